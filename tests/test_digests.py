"""Digest periods and grouping, archives, related articles and duplicate warnings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from factories import URLS, make_article, utc

from generator.content.frontmatter import Source
from generator.errors import Problem
from generator.settings.config import SiteConfig
from generator.site.archive import build_archive, index_sources
from generator.site.assemble import assemble, assemble_again
from generator.site.digests import build_digests, group_by_main_tag, period_of
from generator.site.duplicates import possible_duplicates
from generator.site.model import Selection
from generator.site.related import WINDOW, link_articles, link_paths, relink

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("moment", "tz", "key"),
    [
        (utc(2025, 3, 12, 14, 59), SEOUL, "2025-03-12"),  # 23:59 in Seoul
        (utc(2025, 3, 12, 15, 0), SEOUL, "2025-03-13"),  # midnight in Seoul
        (utc(2025, 3, 13, 3, 30), NEW_YORK, "2025-03-12"),  # 23:30 the evening before
        (utc(2025, 3, 13, 4, 0), NEW_YORK, "2025-03-13"),
    ],
)
def test_days_follow_the_site_timezone(moment: dt.datetime, tz: ZoneInfo, key: str) -> None:
    assert period_of(moment, "daily", tz).key == key


@pytest.mark.parametrize(
    ("day", "key", "start", "end"),
    [
        (dt.date(2024, 12, 29), "2024-W52", dt.date(2024, 12, 23), dt.date(2024, 12, 29)),
        (dt.date(2024, 12, 30), "2025-W01", dt.date(2024, 12, 30), dt.date(2025, 1, 5)),
        (dt.date(2025, 1, 5), "2025-W01", dt.date(2024, 12, 30), dt.date(2025, 1, 5)),
        (dt.date(2021, 1, 3), "2020-W53", dt.date(2020, 12, 28), dt.date(2021, 1, 3)),
    ],
)
def test_weeks_are_iso_weeks_across_the_year_boundary(
    day: dt.date, key: str, start: dt.date, end: dt.date
) -> None:
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    period = period_of(moment, "weekly", ZoneInfo("UTC"))
    assert (period.key, period.start, period.end) == (key, start, end)


def test_week_title_names_both_years_when_they_differ() -> None:
    period = period_of(utc(2024, 12, 31), "weekly", ZoneInfo("UTC"))
    assert period.title == "Week 1 of 2025: 30 December 2024 to 5 January 2025"
    assert period_of(utc(2025, 3, 12), "daily", ZoneInfo("UTC")).title == "Wednesday 12 March 2025"


def test_digests_newest_first_with_neighbours_across_midnight() -> None:
    late = make_article("late", utc(2025, 3, 12, 15, 30), "Defense")  # 00:30 on the 13th in Seoul
    early = make_article("early", utc(2025, 3, 12, 1), "Economy")
    older = make_article("older", utc(2025, 3, 10), "Defense")
    digests = build_digests([late, early, older], "daily", SEOUL, URLS, None)
    assert [(d.key, [a.path for a in d.articles]) for d in digests] == [
        ("2025-03-13", ["content/late.md"]),
        ("2025-03-12", ["content/early.md"]),
        ("2025-03-10", ["content/older.md"]),
    ]
    assert [(d.url, d.newer, d.older) for d in digests] == [
        ("digest/2025-03-13/", None, "digest/2025-03-12/"),
        ("digest/2025-03-12/", "digest/2025-03-13/", "digest/2025-03-10/"),
        ("digest/2025-03-10/", "digest/2025-03-12/", None),
    ]


def test_groups_by_first_tag_biggest_first_untagged_last() -> None:
    day = utc(2025, 3, 12)
    articles = [
        make_article("a", day, "Russia", "Defense"),
        make_article("b", day),
        make_article("c", day, "Defense", "Russia"),
        make_article("d", day, "Defense"),
        make_article("e", day, "Economy"),
    ]
    groups = group_by_main_tag(articles)
    assert [(g.tag, [a.slug for a in g.articles]) for g in groups] == [
        ("Defense", ["c", "d"]),
        ("Economy", ["e"]),
        ("Russia", ["a"]),
        (None, ["b"]),
    ]


def test_archive_by_year_and_month_in_the_site_timezone() -> None:
    articles = [
        make_article("new-year", utc(2024, 12, 31, 16)),  # 1 January 2025 in Seoul
        make_article("march", utc(2025, 3, 1)),
        make_article("december", utc(2024, 12, 2)),
    ]
    years = build_archive(sorted(articles, key=lambda a: a.date, reverse=True), SEOUL, URLS)
    assert [(y.year, y.url, y.count) for y in years] == [
        (2025, "archive/2025/", 2),
        (2024, "archive/2024/", 1),
    ]
    assert [(m.month, m.url, len(m.articles)) for m in years[0].months] == [
        (3, "archive/2025/03/", 1),
        (1, "archive/2025/01/", 1),
    ]


def test_sources_merge_spellings_and_sort_by_name() -> None:
    articles = [
        make_article("a", utc(2025, 3, 1), source=Source("Reuters", "https://r.example/1")),
        make_article("b", utc(2025, 3, 2), source=Source("reuters")),
        make_article("c", utc(2025, 3, 3), source=Source("asianews.network")),
        make_article("d", utc(2025, 3, 4)),
        make_article("e", utc(2025, 3, 5), source=Source("Reuters")),
    ]
    sources = index_sources(articles, URLS)
    assert [(s.name, s.url, [a.slug for a in s.articles]) for s in sources] == [
        ("asianews.network", "sources/asianews-network/", ["c"]),
        ("Reuters", "sources/reuters/", ["a", "b", "e"]),
    ]


def test_related_ranks_shared_tags_then_recency_and_neighbours_by_date() -> None:
    me = make_article("me", utc(2025, 3, 10), "Korea", "Defense", "Russia")
    three = make_article("three", utc(2025, 3, 1), "Korea", "Defense", "Russia")
    two_old = make_article("two-old", utc(2025, 3, 2), "Korea", "Defense")
    two_new = make_article("two-new", utc(2025, 3, 12), "Defense", "Russia")
    one = [make_article(f"one-{i}", utc(2025, 3, 11 + i), "Korea") for i in range(4)]
    unrelated = make_article("unrelated", utc(2025, 3, 9), "Weather")
    articles = sorted([me, three, two_old, two_new, *one, unrelated], key=lambda a: a.date)[::-1]
    timelines = {
        tag: tuple(a for a in articles if tag in a.tags)
        for tag in {t for a in articles for t in a.tags}
    }
    links = link_articles(articles, timelines)
    assert [a.slug for a in links["content/me.md"].related] == [
        "three",
        "two-new",
        "two-old",
        "one-3",
        "one-2",
    ]
    assert links["content/me.md"].newer is not None and links["content/me.md"].older is not None
    assert (links["content/me.md"].newer.slug, links["content/me.md"].older.slug) == (
        "one-0",
        "unrelated",
    )
    assert links["content/unrelated.md"].related == ()
    assert links[articles[0].path].newer is None and links[articles[-1].path].older is None


def test_related_articles_of_the_same_time_come_by_path() -> None:
    me = make_article("me", utc(2025, 3, 10), "Korea")
    same = [make_article(slug, utc(2025, 3, 1), "Korea") for slug in ("c", "a", "b")]
    articles = [me, *sorted(same, key=lambda a: a.path, reverse=True)]  # newest first
    links = link_articles(articles, {"Korea": tuple(articles)})
    assert [a.slug for a in links["content/me.md"].related] == ["a", "b", "c"]


def test_related_looks_only_near_each_article_in_a_busy_tag() -> None:
    start = utc(2025, 1, 1)
    articles = [
        make_article(f"n{i:03d}", start + dt.timedelta(hours=i), "Busy") for i in range(200)
    ][::-1]
    links = link_articles(articles, {"Busy": tuple(articles)})
    middle = articles[100]
    related = links[middle.path].related
    assert len(related) == 5
    positions = [articles.index(a) for a in related]
    assert all(abs(p - 100) <= WINDOW for p in positions)
    assert positions == sorted(positions)  # newest first


def test_possible_duplicates_by_source_url_and_title_window() -> None:
    wire = Source("Wire", "https://wire.example/story")
    articles = [
        make_article("a", utc(2025, 3, 1), source=wire),
        make_article("b", utc(2025, 3, 20), source=Source("Wire", "https://wire.example/story/")),
        make_article("c", utc(2025, 3, 1), title="Talks Resume in Geneva"),
        make_article("d", utc(2025, 3, 3, 20), title="Talks resume in Geneva!"),
        make_article("e", utc(2025, 4, 1), title="Talks Resume in Geneva"),
    ]
    assert [str(p) for p in possible_duplicates(articles)] == [
        "content/a.md: warning: possible duplicate of content/b.md "
        "(same source URL https://wire.example/story)",
        "content/c.md: warning: possible duplicate of content/d.md (same title within 3 days)",
    ]


def test_links_kept_as_paths_link_the_same_articles_again_and_no_others() -> None:
    start = utc(2025, 1, 1)
    articles = [
        make_article(f"n{i:02d}", start + dt.timedelta(hours=i), "Busy", *(["Odd"] * (i % 2)))
        for i in range(30)
    ][::-1]
    links = link_articles(articles, {"Busy": tuple(articles), "Odd": tuple(articles[::2])})
    kept = link_paths(links)
    assert relink(articles, kept) == links
    assert relink(articles[1:], kept) is None  # one article fewer: not theirs
    other = [*articles[:-1], make_article("new", start, "Busy")]
    assert relink(other, kept) is None  # as many, but another one


def test_a_site_assembled_with_kept_indexes_takes_them_only_for_the_same_articles() -> None:
    config = SiteConfig(title="T", base_url="https://example.org/")
    articles = [
        make_article(f"a{i}", utc(2025, 3, 1 + i), "tag" if i % 2 else "Tag", "Other")
        for i in range(5)
    ]
    first, found = assemble_again(articles, config, URLS, Selection(), None)
    retagged = {"content/a1.md": ("Tag", "Other"), "content/a3.md": ("Tag", "Other")}
    assert found.retagged == retagged  # one spelling for a tag: its most used
    marker = Problem("a1", None, "kept", warning=True)
    kept = dataclasses.replace(found, duplicates=(marker,))
    again, taken = assemble_again(articles, config, URLS, Selection(), kept)
    assert taken is kept
    assert again == dataclasses.replace(first, warnings=(marker,))
    for fewer in (articles[1:], articles[:1] + articles[2:]):  # other articles published
        alone = assemble(fewer, config, URLS, Selection())
        other, taken = assemble_again(fewer, config, URLS, Selection(), kept)
        assert taken is not kept and other == alone
    before = assemble(articles, config, URLS, Selection(now=utc(2025, 3, 3, 12)))
    due, taken = assemble_again(articles, config, URLS, Selection(now=utc(2025, 3, 3, 12)), kept)
    assert taken is not kept and due == before  # two not yet published


@pytest.mark.parametrize(
    "other",
    [
        "https://www.example.org/2025/story/?utm_source=x&utm_medium=social",
        "http://example.org/2025/story?fbclid=abc",
        "https://EXAMPLE.org/2025/story/#comments",
    ],
)
def test_a_source_url_with_tracking_parameters_is_the_same_story(other: str) -> None:
    first = make_article(
        "a", utc(2025, 3, 1), source=Source("X", "https://example.org/2025/story/")
    )
    second = make_article("b", utc(2025, 3, 20), title="Other", source=Source("X", other))
    [warning] = possible_duplicates([first, second])
    assert warning.message.startswith("possible duplicate of content/b.md (same source URL")


def test_source_urls_that_differ_in_a_real_parameter_are_not_the_same_story() -> None:
    one = make_article("a", utc(2025, 3, 1), source=Source("X", "https://example.org/s?id=1"))
    two = make_article(
        "b", utc(2025, 3, 20), title="B", source=Source("X", "https://example.org/s?id=2")
    )
    assert possible_duplicates([one, two]) == []
