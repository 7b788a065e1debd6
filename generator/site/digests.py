"""Daily or weekly digests: the articles of one period, grouped by main tag.

A period follows the site's timezone: an article at 23:30 UTC belongs to
the next day in Seoul. Weekly periods are ISO weeks (Monday to Sunday), so
the last days of December can belong to week 1 of the next year.

A period is in progress until it closes, at midnight after its last day
in the site's timezone: its page shows it so, and the digest feed leaves it
out, so that a reader's feed gets each period once, with all its stories,
rather than an item whose content changes under the same id.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from generator.content.model import Article
from generator.urls import Urls


@dataclass(frozen=True)
class DigestGroup:
    """The articles of a digest that share a main tag (None: no tag)."""

    tag: str | None
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Digest:
    """One period's digest; `newer`/`older` are the URLs of its neighbours."""

    key: str
    title: str
    url: str
    start: dt.date
    end: dt.date
    articles: tuple[Article, ...]
    groups: tuple[DigestGroup, ...]
    newer: str | None
    older: str | None
    closes: dt.datetime  # midnight after `end`, in the site's timezone
    in_progress: bool  # not closed at the build time

    @property
    def updated(self) -> dt.datetime:
        """When the digest last changed: its newest article date or update."""
        return max(a.updated or a.date for a in self.articles)


@dataclass(frozen=True)
class Period:
    key: str
    title: str
    start: dt.date
    end: dt.date


def period_of(moment: dt.datetime, period: str, tz: ZoneInfo) -> Period:
    """The daily or weekly period that `moment` falls in, in timezone `tz`."""
    return _period_of_day(moment.astimezone(tz).date(), period)


@functools.lru_cache(maxsize=4096)  # a site has many articles a day
def _period_of_day(day: dt.date, period: str) -> Period:
    if period == "daily":
        return Period(day.isoformat(), f"{day:%A} {day.day} {day:%B %Y}", day, day)
    year, week, _ = day.isocalendar()
    start = dt.date.fromisocalendar(year, week, 1)
    end = start + dt.timedelta(days=6)
    first = f"{start.day} {start:%B}" + (f" {start.year}" if start.year != end.year else "")
    span = f"{first} to {end.day} {end:%B %Y}"
    return Period(f"{year}-W{week:02d}", f"Week {week} of {year}: {span}", start, end)


def opens(period: Period, tz: ZoneInfo) -> dt.datetime:
    """When `period` starts: midnight before its first day, in timezone `tz`."""
    return dt.datetime(period.start.year, period.start.month, period.start.day, tzinfo=tz)


def closes(period: Period, tz: ZoneInfo) -> dt.datetime:
    """When `period` ends: midnight after its last day, in timezone `tz`."""
    day = period.end + dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz)


def build_digests(
    articles: Iterable[Article], period: str, tz: ZoneInfo, urls: Urls, now: dt.datetime | None
) -> tuple[Digest, ...]:
    """One digest per period that has articles, newest first; articles newest first.
    Periods not closed at `now` are in progress (none, without a time)."""
    members: dict[Period, list[Article]] = defaultdict(list)
    for article in articles:
        members[period_of(article.date, period, tz)].append(article)
    periods = sorted(members, key=lambda p: p.start, reverse=True)
    keys = [urls.digest(p.key) for p in periods]
    return tuple(
        Digest(
            key=p.key,
            title=p.title,
            url=keys[i],
            start=p.start,
            end=p.end,
            articles=tuple(members[p]),
            groups=group_by_main_tag(members[p]),
            newer=keys[i - 1] if i > 0 else None,
            older=keys[i + 1] if i + 1 < len(keys) else None,
            closes=closes(p, tz),
            in_progress=now is not None and closes(p, tz) > now,
        )
        for i, p in enumerate(periods)
    )


def group_by_main_tag(articles: Iterable[Article]) -> tuple[DigestGroup, ...]:
    """Articles grouped by their first tag: biggest group first, untagged last."""
    groups: dict[str | None, list[Article]] = defaultdict(list)
    for article in articles:
        groups[article.tags[0] if article.tags else None].append(article)
    order = sorted(groups, key=lambda tag: (tag is None, -len(groups[tag]), (tag or "").casefold()))
    return tuple(DigestGroup(tag, tuple(groups[tag])) for tag in order)
