"""Archive pages by year and month, and the index of sources."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from generator.content.model import Article
from generator.content.slugs import most_used, slugify
from generator.urls import Urls


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    url: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Year:
    year: int
    url: str
    months: tuple[Month, ...]

    @property
    def count(self) -> int:
        return sum(len(m.articles) for m in self.months)


@dataclass(frozen=True)
class SourcePage:
    """A source with its page and its articles, newest first."""

    name: str
    slug: str
    url: str
    articles: tuple[Article, ...]


def build_archive(articles: Iterable[Article], tz: ZoneInfo, urls: Urls) -> tuple[Year, ...]:
    """Years newest first, each with its months newest first (in the site's timezone)."""
    months: dict[tuple[int, int], list[Article]] = defaultdict(list)
    for article in articles:
        local = article.date.astimezone(tz)
        months[(local.year, local.month)].append(article)
    years: dict[int, list[Month]] = defaultdict(list)
    for (year, month), members in sorted(months.items(), reverse=True):
        years[year].append(Month(year, month, urls.archive(year, month), tuple(members)))
    return tuple(Year(year, urls.archive(year), tuple(ms)) for year, ms in years.items())


def index_sources(articles: Iterable[Article], urls: Urls) -> tuple[SourcePage, ...]:
    """Every source with its articles, sorted by name; spellings that differ in case merge."""
    members: dict[str, list[Article]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        if article.source is None:
            continue
        slug = source_slug(article.source.name)
        members[slug].append(article)
        spellings[slug][article.source.name] += 1
    pages = [
        SourcePage(
            name=most_used(names),
            slug=slug,
            url=urls.source(slug),
            articles=tuple(members[slug]),
        )
        for slug, names in spellings.items()
    ]
    return tuple(sorted(pages, key=lambda s: (s.name.casefold(), s.slug)))


def source_slug(name: str) -> str:
    """The URL slug of a source name; a name without letters gets a short hash."""
    return slugify(name) or "source-" + hashlib.sha256(name.encode()).hexdigest()[:8]
