"""Articles -> Site: what gets published, in which order, and every index of it.

Everything here is pure: it takes loaded articles and returns new values.
The indexes themselves (digests, archive, sources, related articles) live
in their own modules; this one puts them together.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Protocol

from generator.content.model import Article
from generator.content.slugs import most_used, slugify, unique_by_slug
from generator.errors import Problem, SiteError
from generator.settings.config import SiteConfig
from generator.site.archive import build_archive, index_sources
from generator.site.digests import build_digests, closes, opens, period_of
from generator.site.duplicates import possible_duplicates
from generator.site.groups import index_authors, index_sections
from generator.site.model import KeptIndexes, Redirect, Selection, Site, Tag
from generator.site.related import ArticleLinks, link_articles, link_paths, relink
from generator.urls import Urls


class IndexMemo(Protocol):
    """What an earlier build's assembling worked out (see incremental/indexes.py)."""

    def recall(self) -> KeptIndexes | None:
        """The indexes kept for articles in the same places with the same settings."""

    def remember(self, indexes: KeptIndexes) -> None:
        """Keep the indexes this build worked out."""


def assemble(
    articles: Iterable[Article],
    config: SiteConfig,
    urls: Urls,
    selection: Selection,
    memo: IndexMemo | None = None,
) -> Site:
    """Choose, order and index the articles; raise SiteError on conflicts. What `memo`
    recalls is taken again if it holds for these articles (five parameters: the
    stage's inputs and its one hook)."""
    kept = memo.recall() if memo is not None else None
    site, found = assemble_again(articles, config, urls, selection, kept)
    if memo is not None and found is not kept:
        memo.remember(found)
    return site


def first_due(
    articles: Sequence[Article], selection: Selection, config: SiteConfig
) -> dt.datetime | None:
    """When what a build at the selection's time makes next changes: an article left
    out for being in the future goes live, a published one expires, or the period
    of a digest in progress closes."""
    now = selection.now
    if now is None:
        return None
    moments = []
    # Periods close in order: the first to close after now is that of the earliest
    # article published in the period of now or after it.
    open_from = opens(period_of(now, config.digest_period, config.tz), config.tz)
    in_open_periods = []
    for article in articles:
        if article.draft and not selection.drafts:
            continue
        if not selection.future and article.goes_live > now:
            moments.append(article.goes_live)
        if article.expiry_date is not None and article.expiry_date > now:
            moments.append(article.expiry_date)
        if article.date >= open_from and not article.page and _is_published(article, selection):
            in_open_periods.append(article.date)
    if config.makes("digests") and in_open_periods:
        earliest = period_of(min(in_open_periods), config.digest_period, config.tz)
        moments.append(closes(earliest, config.tz))
    return min(moments, default=None)


def assemble_again(
    articles: Iterable[Article],
    config: SiteConfig,
    urls: Urls,
    selection: Selection,
    kept: KeptIndexes | None,
) -> tuple[Site, KeptIndexes]:
    """`assemble`, and what it worked out, to be kept for a later build.

    `kept` is what an earlier build worked out for articles in the same places,
    with the same settings (the caller's to check): taken again (it is most of
    assembling) if it was worked out for the same published articles, and then
    returned as it is.
    """
    articles = tuple(articles)
    published_pages = [a for a in articles if a.page and _is_published(a, selection)]
    chosen = [a for a in articles if not a.page and _is_published(a, selection)]
    again = _indexed_again(chosen, kept, urls) if kept is not None else None
    if kept is not None and again is not None:
        published, tags, links = again
        indexes = kept
    else:
        _check_unique_ids(articles)
        published, tags, links, indexes = _index(chosen, config, urls)
    pages = tuple(sorted(published_pages, key=lambda page: page.url))
    site = Site(
        config=config,
        urls=urls,
        articles=published,
        tags=tags,
        digests=(
            build_digests(published, config.digest_period, config.tz, urls, selection.now)
            if config.makes("digests")
            else ()
        ),
        archive=build_archive(published, config.tz, urls) if config.makes("archive") else (),
        sources=index_sources(published, urls) if config.makes("sources") else (),
        links=MappingProxyType(links),
        redirects=redirects((*published, *pages), tags, config.tag_aliases, urls),
        warnings=indexes.duplicates,
        pages=pages,
        authors=index_authors(published, config.authors, urls),
        sections=index_sections(published, urls) if config.sections else (),
    )
    return site, indexes


def _index(
    chosen: list[Article], config: SiteConfig, urls: Urls
) -> tuple[tuple[Article, ...], tuple[Tag, ...], dict[str, ArticleLinks], KeptIndexes]:
    """The `chosen` articles newest first and under their canonical tags, the tags,
    each article's links to others, and all of it as paths, to be kept."""
    published = newest_first(chosen)
    published = with_tag_aliases(published, config.tag_aliases)
    published = with_tag_names(published, canonical_tag_names(published))
    tags = index_tags(published, urls)
    links = link_articles(published, {t.name: t.articles for t in tags})
    indexes = KeptIndexes(
        published=tuple(a.path for a in published),
        retagged=_retagged(published, chosen),
        tags=tuple((tag.name, tuple(a.path for a in tag.articles)) for tag in tags),
        links=link_paths(links),
        duplicates=tuple(possible_duplicates(published)),
    )
    return published, tags, links, indexes


def _retagged(published: Iterable[Article], own: Iterable[Article]) -> dict[str, tuple[str, ...]]:
    """The tags of the `published` articles published under other tags than their `own`."""
    tags = {article.path: article.tags for article in own}
    return {a.path: a.tags for a in published if a.tags != tags[a.path]}


def _indexed_again(
    chosen: Iterable[Article], kept: KeptIndexes, urls: Urls
) -> tuple[tuple[Article, ...], tuple[Tag, ...], dict[str, ArticleLinks]] | None:
    """The published articles in order, their tags and links, as `kept` has them; None
    if `kept` was not worked out for the `chosen` articles."""
    by_path = {article.path: article for article in chosen}
    if len(by_path) != len(kept.published) or not all(p in by_path for p in kept.published):
        return None
    for path, retagged in kept.retagged.items():
        by_path[path] = replace(by_path[path], tags=retagged)
    published = tuple(by_path[path] for path in kept.published)
    tags = tuple(_tag(name, [by_path[p] for p in paths], urls) for name, paths in kept.tags)
    links = relink(published, kept.links)
    return None if links is None else (published, tags, links)


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
    """Whether the article is in the site: not a draft (unless drafts are shown), live
    (or future ones are shown) and not expired, at the selection's time."""
    if article.draft and not selection.drafts:
        return False
    now = selection.now
    if now is None:
        return True
    if article.expiry_date is not None and article.expiry_date <= now:
        return False
    return selection.future or article.goes_live <= now


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
    tags = [_tag(name, group, urls) for name, group in members.items()]
    return tuple(sorted(tags, key=lambda t: (t.name.casefold(), t.slug)))


def _tag(name: str, articles: Iterable[Article], urls: Urls) -> Tag:
    slug = slugify(name)
    return Tag(name=name, slug=slug, url=urls.tag(slug), articles=tuple(articles))
