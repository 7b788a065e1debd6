"""Article values for unit tests, without going through files, and a hypothesis helper."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import TypeVar

from hypothesis import strategies as st

from generator.content.frontmatter import Source
from generator.content.model import Article
from generator.urls import Urls

URLS = Urls("https://example.org/", "/{year}/{month}/{day}/{slug}/")
T = TypeVar("T")


def mostly(usual: list[T], unusual: list[T], odds: int = 20) -> st.SearchStrategy[T]:
    """One of `usual`, or one of `unusual` about once in `odds` times."""
    return st.sampled_from(usual * (odds * len(unusual) // len(usual) + 1) + unusual)


def make_article(
    name: str,
    date: dt.datetime,
    *tags: str,
    title: str = "",
    source: Source | None = None,
) -> Article:
    """An article `content/<name>.md` with the given date and tags."""
    return Article(
        path=f"content/{name}.md",
        title=title or name.title(),
        date=date,
        updated=None,
        publish_date=None,
        expiry_date=None,
        tags=tags,
        summary=f"Summary of {name}.",
        summary_from_body=False,
        id=f"id-{name}",
        id_pinned=True,
        source=source,
        authors=(),
        draft=False,
        slug=name,
        url=URLS.article(date, name),
        body_html="<p>Body.</p>",
        words=2,
        aliases=(),
        extra=MappingProxyType({}),
    )


def utc(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)
