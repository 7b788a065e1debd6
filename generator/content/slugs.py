"""Turning titles and tag names into URL path segments."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

_NOT_WORD = re.compile(r"[\W_]+")
_APOSTROPHES = re.compile(r"['\u2019]")


@functools.lru_cache(maxsize=65536)  # the same few thousand tag names, again and again
def slugify(text: str) -> str:
    """A lower-case, hyphen-separated slug that keeps letters of every script.

    `North Korea` -> `north-korea`; `東京` -> `東京`; `Café au lait!` ->
    `café-au-lait`; `Japan's` -> `japans`. The result may be empty when `text` has no letters or
    digits; callers decide the fallback.
    """
    normal = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).casefold())
    return _NOT_WORD.sub("-", normal).strip("-")


def unique_by_slug(names: Iterable[str]) -> tuple[str, ...]:
    """`names` in order, without later ones that make the same slug as an earlier one."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(slugify(name), name)
    return tuple(seen.values())


def most_used(spellings: Counter[str]) -> str:
    """The spelling used most often; on a tie, the first in sorted order."""
    return min(spellings, key=lambda name: (-spellings[name], name))
