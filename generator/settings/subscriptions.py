"""The feeds a site gathers news from: `subscriptions:` in site.yaml, and the limits of
`digest fetch` (`fetch_timeout`, `fetch_max_bytes`).

They are apart from SiteConfig because they shape no page: every output's key is
salted with SiteConfig, and a new subscription should not remake the site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from generator.errors import Problem
from generator.text import printable

GATHERING_KEYS = ("subscriptions", "fetch_timeout", "fetch_max_bytes")
CONTENT = ("summary", "full")
WEB_URL = re.compile(r"https?://[^/?#\s]+(/\S*)?", re.IGNORECASE)  # of a feed, or a hub
_ITEM_KEYS = ("url", "name", "tags", "source", "draft", "content")


@dataclass(frozen=True)
class Subscription:
    """One feed to fetch, and what its entries become."""

    url: str
    name: str = ""
    tags: tuple[str, ...] = ()
    source: str = ""  # the name its articles credit; by default the feed's own title
    draft: bool = False  # its articles wait for review
    content: str = "summary"  # or "full": the entry's whole text

    @property
    def label(self) -> str:
        """How reports name it."""
        return self.name or self.url


@dataclass(frozen=True)
class Gathering:
    """The subscriptions of a site and the limits of one fetch of each."""

    subscriptions: tuple[Subscription, ...] = ()
    timeout: float = 30  # seconds for a whole response, connecting included
    max_bytes: int = 10_000_000  # of a feed, as decompressed


@dataclass(frozen=True)
class Lines:
    """Where the values of site.yaml are: each top-level key's line, and for each item
    of `subscriptions`, its own line and those of its keys."""

    keys: Mapping[str, int]
    items: tuple[tuple[int, Mapping[str, int]], ...] = ()


def gathering_from(
    data: Mapping[str, Any], lines: Lines, file: str
) -> tuple[Gathering, list[Problem]]:
    """The Gathering that `data` (site.yaml's mapping) describes, and every problem."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, kind in (("fetch_timeout", (int, float)), ("fetch_max_bytes", (int,))):
        value = data.get(key)
        if value is not None and (type(value) not in kind or value <= 0):
            what = "a number of seconds" if float in kind else "a whole number of bytes"
            message = f"{key} must be {what} above 0, got {value!r}"
            problems.append(Problem(file, lines.keys.get(key), message))
        elif value is not None:
            values[key.removeprefix("fetch_")] = value
    raw = data.get("subscriptions")
    if raw is not None and not isinstance(raw, list):
        message = f"subscriptions must be a list of {{url: ...}} entries, got {type(raw).__name__}"
        problems.append(Problem(file, lines.keys.get("subscriptions"), message))
    elif raw:
        values["subscriptions"] = _subscriptions(raw, lines, file, problems)
    return Gathering(**values), problems


def _subscriptions(
    raw: list[Any], lines: Lines, file: str, problems: list[Problem]
) -> tuple[Subscription, ...]:
    """Each entry of `subscriptions:` that is right; a problem for each that is not, and
    for a URL or a name listed twice."""
    found: list[Subscription] = []
    first: dict[tuple[str, str], int | None] = {}
    for number, item in enumerate(raw):
        line, keys = lines.items[number] if number < len(lines.items) else (None, {})
        errors = list(_item_problems(item))
        problems += [Problem(file, keys.get(key, line), message) for key, message in errors]
        if errors:
            continue
        subscription = _subscription(item if isinstance(item, dict) else {"url": item})
        said = {("url", url_key(subscription.url)), ("name", subscription.name.casefold())}
        for kind, what in sorted(said - {("name", "")}):
            if (kind, what) in first:
                message = (
                    f"subscription {what!r} is listed twice (first on line {first[kind, what]})"
                )
                problems.append(Problem(file, line, message))
            first.setdefault((kind, what), line)
        found.append(subscription)
    return tuple(found)


def url_key(url: str) -> str:
    """`url` as two subscriptions to one feed share it: its scheme and host in lower
    case (they know no case), the rest as it is (a path does)."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), *parts[2:]))


def _item_problems(item: Any) -> Iterator[tuple[str, str]]:
    """What is wrong with one entry of `subscriptions:`, each with the key it is about."""
    if isinstance(item, str):
        item = {"url": item}
    if not isinstance(item, dict):
        yield "", f"a subscription must be a mapping with a url, got {item!r}"
        return
    for key in item:
        if key not in _ITEM_KEYS:
            yield str(key), f"unknown key {key!r}; known keys: {', '.join(_ITEM_KEYS)}"
    url = item.get("url")
    if not isinstance(url, str) or not WEB_URL.fullmatch(url.strip()):
        yield "url", f"url must be the absolute http(s) URL of a feed, got {url!r}"
    for key in ("name", "source"):
        if not isinstance(item.get(key, ""), str):
            yield key, f"{key} must be text, got {item[key]!r}"
    given = item.get("tags")
    texts = [item.get(key) for key in ("url", "name", "source")]
    texts += given if isinstance(given, list) else [given]
    if any(isinstance(text, str) and printable(text) != text for text in texts):
        yield "", "a subscription holds a control character, which no feed or page may carry"
    tags = item.get("tags", [])
    tags = [tags] if isinstance(tags, str) else tags
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        yield "tags", f"tags must be a list of tag names, got {item['tags']!r}"
    if not isinstance(item.get("draft", False), bool):
        yield "draft", f"draft must be true or false, got {item['draft']!r}"
    if item.get("content", "summary") not in CONTENT:
        yield "content", f"content must be one of {', '.join(CONTENT)}, got {item['content']!r}"


def _subscription(item: dict[str, Any]) -> Subscription:
    """An entry of `subscriptions:` that `_item_problems` found nothing wrong with."""
    tags = item.get("tags") or []
    return Subscription(
        url=item["url"].strip(),
        name=(item.get("name") or "").strip(),
        tags=tuple(t.strip() for t in ([tags] if isinstance(tags, str) else tags)),
        source=(item.get("source") or "").strip(),
        draft=item.get("draft", False),
        content=item.get("content", "summary"),
    )
