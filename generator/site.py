"""Articles -> Site: what gets published, in which order, and every index of it.

Everything here is pure: it takes loaded articles and returns new values.
The indexes themselves (digests, archive, sources, related articles) live
in their own modules; this one puts them together.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from generator.archive import SourcePage, Year, build_archive, index_sources
from generator.config import SiteConfig
from generator.content import Article
from generator.digests import Digest, build_digests
from generator.duplicates import possible_duplicates
from generator.errors import Problem, SiteError
from generator.related import ArticleLinks, LinkPaths, link_articles, relink
from generator.slugs import most_used, slugify, unique_by_slug
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
class Redirect:
    """An old URL that now points at `target`."""

    url: str
    target: str
    origin: str


@dataclass(frozen=True)
class Site:
    """The published site: its settings, articles newest first, and their indexes."""

    config: SiteConfig
    urls: Urls
    articles: tuple[Article, ...]
    tags: tuple[Tag, ...]
    digests: tuple[Digest, ...]
    archive: tuple[Year, ...]
    sources: tuple[SourcePage, ...]
    links: Mapping[str, ArticleLinks]
    redirects: tuple[Redirect, ...]
    warnings: tuple[Problem, ...]


@dataclass(frozen=True)
class KeptIndexes:
    """What assembling worked out from the places of the articles it published (see
    edits.py): the links between them, by path, and the possible duplicates."""

    links: Mapping[str, LinkPaths]
    duplicates: tuple[Problem, ...]


def assemble(
    articles: Iterable[Article],
    config: SiteConfig,
    urls: Urls,
    selection: Selection,
    kept: KeptIndexes | None = None,
) -> Site:
    """Choose, order and index the articles; raise SiteError on conflicts.

    `kept` is what an earlier build worked out for articles in the same places,
    with the same settings: taken again (it is most of assembling) if its
    links are between the same published articles.
    """
    articles = tuple(articles)
    _check_unique_ids(articles)
    published = newest_first(a for a in articles if _is_published(a, selection))
    published = with_tag_aliases(published, config.tag_aliases)
    published = with_tag_names(published, canonical_tag_names(published))
    tags = index_tags(published, urls)
    links = relink(published, kept.links) if kept is not None else None
    if kept is not None and links is not None:  # the same articles in the same places
        duplicates = kept.duplicates
    else:
        links = link_articles(published, {t.name: t.articles for t in tags})
        duplicates = tuple(possible_duplicates(published))
    return Site(
        config=config,
        urls=urls,
        articles=published,
        tags=tags,
        digests=(
            build_digests(published, config.digest_period, config.tz, urls)
            if config.makes("digests")
            else ()
        ),
        archive=build_archive(published, config.tz, urls) if config.makes("archive") else (),
        sources=index_sources(published, urls) if config.makes("sources") else (),
        links=MappingProxyType(links),
        redirects=redirects(published, tags, config.tag_aliases, urls),
        warnings=duplicates,
    )


def with_tag_aliases(
    articles: tuple[Article, ...], aliases: tuple[tuple[str, str], ...]
) -> tuple[Article, ...]:
    """The articles with every aliased tag (`DPRK`) replaced by its canonical name."""
    if not aliases:
        return articles
    canonical = {slugify(variant): name for variant, name in aliases}
    return tuple(
        replace(article, tags=unique_by_slug(canonical.get(slugify(t), t) for t in article.tags))
        for article in articles
    )


def redirects(
    articles: Iterable[Article],
    tags: Iterable[Tag],
    aliases: tuple[tuple[str, str], ...],
    urls: Urls,
) -> tuple[Redirect, ...]:
    """Redirect pages: each article's old paths, and each aliased tag's old page."""
    moved = [Redirect(old, a.url, a.path) for a in articles for old in a.aliases]
    existing = {tag.slug for tag in tags}
    for variant, name in aliases:
        old, new = slugify(variant), slugify(name)
        if old != new and new in existing:
            moved.append(Redirect(urls.tag(old), urls.tag(new), f"tag_aliases {variant!r}"))
    return tuple(moved)


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
    return {slug: most_used(names) for slug, names in spellings.items()}


def with_tag_names(articles: tuple[Article, ...], names: dict[str, str]) -> tuple[Article, ...]:
    """The articles with each tag spelled by its display name."""
    slugs = {name: slugify(name) for article in articles for name in article.tags}
    return tuple(
        article if tags == article.tags else replace(article, tags=tags)
        for article in articles
        for tags in [tuple(names[slugs[tag]] for tag in article.tags)]
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
