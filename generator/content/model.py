"""What content/ is read into: Article values, immutable once read."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from generator.content.frontmatter import Source
from generator.errors import Problem

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


class FrozenMapping(Mapping[str, Any]):
    """A read-only mapping that, unlike MappingProxyType, can travel between processes."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._data!r})"


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
    author: str | None
    draft: bool
    slug: str
    url: str
    body_html: str
    words: int
    aliases: tuple[str, ...]
    extra: Mapping[str, Any]
    lang: str | None = None  # the article's language, if not the site's (front matter `lang`)

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
