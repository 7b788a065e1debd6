"""What content/ is read into: Article values, immutable once read."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.content.frontmatter import Source
from generator.content.leadimage import LeadImage
from generator.errors import Problem

# The date of a standalone page that gives none: it is in no list ordered by date.
UNDATED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


@dataclass(frozen=True)
class Article:
    """One article, fully read; nothing about it changes after loading."""

    path: str
    title: str
    date: dt.datetime
    updated: dt.datetime | None
    publish_date: dt.datetime | None  # not published before then, if set
    expiry_date: dt.datetime | None  # not published from then on, if set
    tags: tuple[str, ...]
    summary: str
    summary_from_body: bool  # the first paragraph's text, not a summary of its own
    id: str
    id_pinned: bool
    source: Source | None
    authors: tuple[str, ...]  # names, in the order the article gives them
    draft: bool
    slug: str
    url: str
    body_html: str
    words: int
    aliases: tuple[str, ...]
    extra: Mapping[str, Any]
    lang: str | None = None  # the article's language, if not the site's (front matter `lang`)
    sections: tuple[str, ...] = ()  # its desks (`categories`), when the site has sections
    page: bool = False  # a standalone page (About): no date, in no list, feed or digest
    image: LeadImage | None = None  # its lead image (`image`, or the body's first photo)

    @property
    def author(self) -> str | None:
        """The byline's names as one text ("Ann, Bob"), or None."""
        return ", ".join(self.authors) or None

    @property
    def dated(self) -> bool:
        """Whether the article has a date of its own (a page may have none)."""
        return self.date != UNDATED

    @property
    def goes_live(self) -> dt.datetime:
        """When the article is first published: its date, or a later publish date."""
        return max(self.date, self.publish_date or self.date)

    @property
    def is_uuid(self) -> bool:
        return bool(_UUID.match(self.id))

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the body at 220 words a minute, at least 1."""
        return max(1, round(self.words / 220))


@dataclass(frozen=True)
class LoadedContent:
    """Everything read from content/: articles (in the order of their files), the other
    files (paths below content/), and the warnings."""

    articles: tuple[Article, ...]
    assets: tuple[str, ...]
    warnings: tuple[Problem, ...]
