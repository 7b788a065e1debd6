"""Reading the dates people write in front matter.

Accepted: what YAML itself reads as a date or timestamp, ISO 8601 strings
(`2025-03-12`, `2025-03-12T09:15`, `...+09:00`, `...Z`) and the Jekyll/Hugo
form `2016-06-03 13:21:02 -0700`. A value without an offset is a wall-clock
time in the site's timezone.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

_EXTRA_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S.%f %z")
_FILE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-")


def parse_date(value: Any, tz: ZoneInfo) -> dt.datetime:
    """Return `value` as an aware datetime; raise ValueError saying what is wrong."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = _parse_string(value.strip())
    else:
        raise ValueError(f"expected a date such as 2025-03-12T09:15:00+09:00, got {value!r}")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment


def date_from_filename(name: str, tz: ZoneInfo) -> dt.datetime | None:
    """The date in a `YYYY-MM-DD-title.md` file name, at midnight, or None."""
    match = _FILE_PREFIX.match(name)
    if match is None:
        return None
    try:
        year, month, day = (int(part) for part in match.groups())
        return dt.datetime(year, month, day, tzinfo=tz)
    except ValueError:
        return None


def _parse_string(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _EXTRA_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(
        f"cannot read {text!r} as a date; use ISO 8601, e.g. 2025-03-12T09:15:00+09:00"
    )
