"""What a page is before it is rendered: its template, URL and what the template sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from generator.content.model import Article
from generator.urls import paginated

T = TypeVar("T")


@dataclass(frozen=True)
class Pager(Generic[T]):
    """One page of a paginated list."""

    items: tuple[T, ...]
    number: int
    count: int
    url: str
    newer: str | None
    older: str | None


def paginate(items: Sequence[T], size: int, url: str) -> list[Pager[T]]:
    """Split `items` into pages of `size`; an empty list still has one page."""
    count = max(1, -(-len(items) // size))
    return [
        Pager(
            items=tuple(items[(n - 1) * size : n * size]),
            number=n,
            count=count,
            url=paginated(url, n),
            newer=paginated(url, n - 1) if n > 1 else None,
            older=paginated(url, n + 1) if n < count else None,
        )
        for n in range(1, count + 1)
    ]


class PageJob(NamedTuple):
    """A page to render: its template and what the template sees.

    A named tuple rather than a frozen dataclass: a build after an edit lists
    every page of the site, and a tuple is made three times as fast.
    """

    template: str
    url: str
    origin: str
    context: dict[str, Any]
    listed: bool = True
    shows: Sequence[Article] = ()  # the articles it lists, for its last modification

    @property
    def lastmod(self) -> dt.datetime | None:
        return newest(self.shows)


def newest(articles: Iterable[Article]) -> dt.datetime | None:
    """The newest date or update among `articles`, or None."""
    return max((a.updated or a.date for a in articles), default=None)
