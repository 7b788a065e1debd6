"""Articles -> Site: what gets published, in which order, under which tags.

Everything here is pure: it takes loaded articles and returns new values.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from generator.config import SiteConfig
from generator.content import Article
from generator.errors import Problem, SiteError
from generator.slugs import slugify
from generator.urls import Urls


@dataclass(frozen=True)
class Tag:
    """A tag with its articles, newest first."""

    name: str
    slug: str
    url: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Selection:
    """Which articles a build publishes."""

    drafts: bool = False
    future: bool = False
    now: dt.datetime | None = None


@dataclass(frozen=True)
class Site:
    """The published site: its settings, articles newest first, tags by name."""

    config: SiteConfig
    urls: Urls
    articles: tuple[Article, ...]
    tags: tuple[Tag, ...]


def assemble(
    articles: Iterable[Article], config: SiteConfig, urls: Urls, selection: Selection
) -> Site:
    """Choose, order and index the articles; raise SiteError on conflicts."""
    articles = tuple(articles)
    _check_unique_ids(articles)
    published = newest_first(a for a in articles if _is_published(a, selection))
    published = with_tag_names(published, canonical_tag_names(published))
    return Site(config=config, urls=urls, articles=published, tags=index_tags(published, urls))


def newest_first(articles: Iterable[Article]) -> tuple[Article, ...]:
    return tuple(sorted(articles, key=lambda a: (a.date, a.path), reverse=True))


def _is_published(article: Article, selection: Selection) -> bool:
    if article.draft and not selection.drafts:
        return False
    return selection.future or selection.now is None or article.date <= selection.now


def _check_unique_ids(articles: Iterable[Article]) -> None:
    paths_by_id: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        paths_by_id[article.id].append(article.path)
    problems = [
        Problem(paths[0], None, f"id {article_id} is also used by {', '.join(paths[1:])}")
        for article_id, paths in paths_by_id.items()
        if len(paths) > 1
    ]
    if problems:
        raise SiteError(problems)


def canonical_tag_names(articles: Iterable[Article]) -> dict[str, str]:
    """The display name of each tag slug: its most used spelling (ties: the first sorted).

    Spellings that differ only in case are one tag; different names that make
    the same slug are an error naming the files that use them.
    """
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    files: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        for name in article.tags:
            slug = slugify(name)
            spellings[slug][name] += 1
            files[slug].add(article.path)
    problems = []
    for slug, names in spellings.items():
        if len({name.casefold() for name in names}) > 1:
            paths = sorted(files[slug])
            listed = " and ".join(repr(n) for n in sorted(names))
            problems.append(
                Problem(
                    paths[0],
                    None,
                    f"tags {listed} share the URL tags/{slug}/ (used in {', '.join(paths)}); "
                    "use one spelling",
                )
            )
    if problems:
        raise SiteError(problems)
    return {slug: min(names, key=lambda n: (-names[n], n)) for slug, names in spellings.items()}


def with_tag_names(articles: tuple[Article, ...], names: dict[str, str]) -> tuple[Article, ...]:
    """The articles with each tag spelled by its display name."""
    return tuple(
        replace(article, tags=tuple(names[slugify(tag)] for tag in article.tags))
        for article in articles
    )


def index_tags(articles: tuple[Article, ...], urls: Urls) -> tuple[Tag, ...]:
    """Group `articles` (newest first) by tag; tags sorted by name."""
    members: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for name in article.tags:
            members[name].append(article)
    tags = [
        Tag(name=name, slug=slugify(name), url=urls.tag(slugify(name)), articles=tuple(group))
        for name, group in members.items()
    ]
    return tuple(sorted(tags, key=lambda t: (t.name.casefold(), t.slug)))
