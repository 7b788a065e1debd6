"""The assembled site: what a build publishes, in order, with every index of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from generator.content.model import Article
from generator.errors import Problem
from generator.settings.config import SiteConfig
from generator.site.archive import SourcePage, Year
from generator.site.digests import Digest
from generator.site.related import ArticleLinks, LinkPaths
from generator.urls import Urls


@dataclass(frozen=True)
class Tag:
    """A tag with its articles, newest first."""

    name: str
    slug: str
    url: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Author:
    """An author with their articles, newest first, and what site.yaml says of them:
    `bio`, and `link`, a page or profile of theirs elsewhere ("" if none)."""

    name: str
    slug: str
    url: str
    articles: tuple[Article, ...]
    bio: str = ""
    link: str = ""


@dataclass(frozen=True)
class Section:
    """A section (a desk: `categories` on a site with `sections: true`), newest first."""

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
    """The published site: its settings, articles newest first, and their indexes; and
    its standalone pages, which are in none of them."""

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
    pages: tuple[Article, ...] = ()  # the standalone pages (About), by URL
    authors: tuple[Author, ...] = ()  # by name
    sections: tuple[Section, ...] = ()  # by name, on a site with `sections: true`


@dataclass(frozen=True)
class KeptIndexes:
    """What assembling worked out from the articles it published, by path, to be taken
    again by a build whose articles keep their places (see edits.py): their order,
    the tags of those published under other tags than their own (aliases, other
    spellings), each tag's articles, the links between them, the possible duplicates."""

    published: tuple[str, ...]  # newest first
    retagged: Mapping[str, tuple[str, ...]]
    tags: tuple[tuple[str, tuple[str, ...]], ...]  # each tag's name and articles, in order
    links: Mapping[str, LinkPaths]
    duplicates: tuple[Problem, ...]
