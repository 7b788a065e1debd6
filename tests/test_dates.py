"""Reading front matter dates: YAML values, ISO strings, the Jekyll/Hugo form, file names."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from generator.content.dates import date_from_filename, parse_date
from generator.settings.yamlfile import load_mapping

SEOUL = ZoneInfo("Asia/Seoul")
UTC = dt.UTC


def offset(hours: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


def yaml_value(text: str) -> object:
    return load_mapping(f"date: {text}\n")[0]["date"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2025-03-12T09:00:00+09:00", dt.datetime(2025, 3, 12, 9, tzinfo=offset(9))),
        ("2025-03-12T09:00:00Z", dt.datetime(2025, 3, 12, 9, tzinfo=UTC)),
        ("2025-03-12 09:00:00", dt.datetime(2025, 3, 12, 9, tzinfo=SEOUL)),
        ("2025-03-12", dt.datetime(2025, 3, 12, tzinfo=SEOUL)),
        ("2016-06-03 13:21:02 -0700", dt.datetime(2016, 6, 3, 13, 21, 2, tzinfo=offset(-7))),
    ],
)
def test_unquoted_yaml_dates(written: str, expected: dt.datetime) -> None:
    moment = parse_date(yaml_value(written), SEOUL)
    assert moment == expected
    assert moment.utcoffset() == expected.utcoffset()


def test_naive_datetime_gets_the_site_timezone() -> None:
    moment = parse_date(dt.datetime(2025, 3, 12, 9, 15), SEOUL)
    assert moment.tzinfo is SEOUL
    assert moment.isoformat() == "2025-03-12T09:15:00+09:00"


def test_aware_datetime_keeps_its_offset() -> None:
    moment = parse_date(dt.datetime(2025, 3, 12, 9, tzinfo=offset(-5)), SEOUL)
    assert moment.isoformat() == "2025-03-12T09:00:00-05:00"


def test_date_only_is_midnight_in_the_site_timezone() -> None:
    assert parse_date(dt.date(2025, 3, 12), SEOUL).isoformat() == "2025-03-12T00:00:00+09:00"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2025-03-12", "2025-03-12T00:00:00+09:00"),
        ("2025-03-12T09:15", "2025-03-12T09:15:00+09:00"),
        ("2025-03-12T09:15:00Z", "2025-03-12T09:15:00+00:00"),
        ("2025-03-12T09:15:00+01:00", "2025-03-12T09:15:00+01:00"),
        ("  2025-03-12T09:15:00-04:00 ", "2025-03-12T09:15:00-04:00"),
        ("2016-06-03 13:21:02 -0700", "2016-06-03T13:21:02-07:00"),
        ("2016-06-03 13:21 +0530", "2016-06-03T13:21:00+05:30"),
        ("2016-06-03 13:21:02.5 -0700", "2016-06-03T13:21:02.500000-07:00"),
    ],
)
def test_strings(text: str, iso: str) -> None:
    assert parse_date(text, SEOUL).isoformat() == iso


@pytest.mark.parametrize("text", ["yesterday", "12/03/2025", "2025-13-01", ""])
def test_unreadable_string_says_what_to_write(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(text, SEOUL)
    assert str(caught.value) == (
        f"cannot read {text!r} as a date; use ISO 8601, e.g. 2025-03-12T09:15:00+09:00"
    )


@pytest.mark.parametrize("value", [20250312, True, None, ["2025-03-12"]])
def test_non_date_values_are_refused(value: object) -> None:
    with pytest.raises(
        ValueError, match=r"^expected a date such as 2025-03-12T09:15:00\+09:00, got"
    ):
        parse_date(value, SEOUL)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2025-03-13-seoul-markets.md", dt.datetime(2025, 3, 13, tzinfo=SEOUL)),
        ("2024-02-29-leap.md", dt.datetime(2024, 2, 29, tzinfo=SEOUL)),
        ("2025-02-30-no-such-day.md", None),
        ("2025-03-13.md", None),
        ("seoul-2025-03-13-markets.md", None),
        ("markets.md", None),
    ],
)
def test_date_from_filename(name: str, expected: dt.datetime | None) -> None:
    moment = date_from_filename(name, SEOUL)
    assert moment == expected
    if expected is not None:
        assert moment is not None and moment.tzinfo is SEOUL
