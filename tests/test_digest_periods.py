"""A digest period is published in the digest feed once it has closed in the site's
timezone, and shown as in progress until then, through the real command line."""

from __future__ import annotations

import datetime as dt
import filecmp
from pathlib import Path

import feedparser
import pytest
from conftest import SiteMaker, article, run_digest

CONFIG = "title: Desk\nbase_url: https://example.org/\ntimezone: Asia/Seoul\n"
# Articles of two days in Seoul: 11 March, and 12 March (09:00 and 18:00 there).
FILES = {
    "content/old.md": article("Yesterday", date="2025-03-11T10:00:00+09:00", id="old"),
    "content/am.md": article("Morning", date="2025-03-12T09:00:00+09:00", id="am"),
    "content/pm.md": article("Evening", date="2025-03-12T18:00:00+09:00", id="pm"),
}
SEOUL = dt.timezone(dt.timedelta(hours=9))


def build_at(
    site: Path, moment: dt.datetime, monkeypatch: pytest.MonkeyPatch, *options: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
    built = run_digest("build", "--site", site, *options)
    assert built.returncode == 0, built.stderr


def digest_feed_titles(site: Path, folder: str = "output") -> list[str]:
    feed = feedparser.parse((site / folder / "digest" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    return [entry.title for entry in feed.entries]


def test_the_day_in_progress_is_shown_but_not_in_the_feed(
    make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(FILES, config=CONFIG)
    build_at(site, dt.datetime(2025, 3, 12, 20, 0, tzinfo=SEOUL), monkeypatch)
    assert digest_feed_titles(site) == ["Tuesday 11 March 2025"]
    today = (site / "output/digest/2025-03-12/index.html").read_text(encoding="utf-8")
    assert "In progress: stories are added until the day ends" in today
    yesterday = (site / "output/digest/2025-03-11/index.html").read_text(encoding="utf-8")
    assert "In progress" not in yesterday
    listing = (site / "output/digest/index.html").read_text(encoding="utf-8")
    assert listing.count(" · in progress") == 1


def test_a_build_after_midnight_publishes_the_day_once_with_all_its_stories(
    make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(FILES, config=CONFIG)
    build_at(site, dt.datetime(2025, 3, 12, 20, 0, tzinfo=SEOUL), monkeypatch)
    after = dt.datetime(2025, 3, 13, 0, 5, tzinfo=SEOUL)
    build_at(site, after, monkeypatch)  # cached: the record knew when the day closes
    assert digest_feed_titles(site) == ["Wednesday 12 March 2025", "Tuesday 11 March 2025"]
    feed = feedparser.parse((site / "output" / "digest" / "feed.xml").read_bytes())
    assert "Morning" in feed.entries[0].summary and "Evening" in feed.entries[0].summary
    today = (site / "output/digest/2025-03-12/index.html").read_text(encoding="utf-8")
    assert "In progress" not in today
    build_at(site, after, monkeypatch, "--no-cache", "--output", str(site / "cold"))
    assert not _differences(site / "output", site / "cold")


def test_a_week_closes_on_sunday_night(
    make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(FILES, config=CONFIG + "digest_period: weekly\n")
    build_at(site, dt.datetime(2025, 3, 16, 23, 0, tzinfo=SEOUL), monkeypatch)  # Sunday
    assert digest_feed_titles(site) == []
    build_at(site, dt.datetime(2025, 3, 17, 0, 0, tzinfo=SEOUL), monkeypatch)  # Monday
    assert digest_feed_titles(site) == ["Week 11 of 2025: 10 March to 16 March 2025"]


def _differences(one: Path, other: Path) -> list[str]:
    compared = filecmp.dircmp(one, other)
    found = [*compared.left_only, *compared.right_only, *compared.diff_files]
    return found + [d for sub in compared.common_dirs for d in _differences(one / sub, other / sub)]
