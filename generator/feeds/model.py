"""Feeds before they are written: the lists readers subscribe to and their items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from generator.content.frontmatter import Source
from generator.content.leadimage import LeadImage
from generator.content.model import Article
from generator.site.digests import Digest

_EMPTY_FEED_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, in terms every format can express."""

    guid: str
    atom_id: str
    title: str
    link: str
    published: dt.datetime
    updated: dt.datetime
    summary: str
    content_html: str | None
    authors: tuple[tuple[str, str], ...] = ()  # each name, with its page's absolute URL
    categories: tuple[str, ...] = ()
    source: Source | None = None
    image: LeadImage | None = None  # the article's lead image: an enclosure, or media:content


@dataclass(frozen=True)
class Feed:
    """One subscribable list and the page it belongs to (`page` is that page's URL).

    `shows` are its articles, or its digests for the digest feed, which
    renders each digest with `templates`.
    """

    title: str
    description: str
    page: str
    shows: tuple[Article, ...] | tuple[Digest, ...]
    formats: tuple[str, ...]
    origin: str
    templates: tuple[str, ...] = ()
    home: str = ""  # the page it belongs to, if its feed files are not that page's

    @property
    def home_page(self) -> str:
        return self.home or self.page


class FeedFile(NamedTuple):
    """One format (`rss`, `atom` or `json`) of a feed: what a feed's output is made from."""

    feed: Feed
    kind: str


def newest_date(items: tuple[FeedItem, ...]) -> dt.datetime:
    """When the feed last changed: its newest item's update."""
    return max((item.updated for item in items), default=_EMPTY_FEED_DATE)
