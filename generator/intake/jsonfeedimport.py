"""JSON Feed (https://jsonfeed.org/version/1.1 and version 1) for `digest import`:
one article (an Incoming) per item.

An item's id, title (or one made from its text), url (the source link),
date_published and date_modified, tags, summary, authors (version 1.1's list or
version 1's `author`) and content become the article; content_html is sanitized,
its relative links resolved against the item's url (or the feed's
home_page_url), and content_text becomes paragraphs.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from typing import Any

from generator.intake.entrytext import (
    absolute,
    body_html,
    entry_id,
    entry_source,
    one_line,
    plain,
    title_from_text,
)
from generator.intake.incoming import Incoming
from generator.intake.plaintext import Refused

# A JSON Feed says so in its "version"; early feeds wrote it with http://.
_VERSION = re.compile(r"https?://jsonfeed\.org/version/")


def is_json_feed(document: Any) -> bool:
    version = document.get("version") if isinstance(document, dict) else None
    return isinstance(version, str) and bool(_VERSION.match(version))


def load_json(text: str) -> Any:
    """The JSON value of `text`; raise Refused, saying where, if it is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Refused(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise Refused("not usable JSON: nested too deeply") from None


def json_feed_items(document: Any, base: str = "") -> list[Callable[[], Incoming]]:
    """One reader per item of the JSON Feed `document` (fetched from the URL `base`, if
    it was); each raises Refused for its item."""
    if not is_json_feed(document):
        raise Refused(
            'JSON, but not a JSON Feed (no "version" starting with https://jsonfeed.org/version/)'
        )
    items = document.get("items")
    if not isinstance(items, list):
        raise Refused('not a usable JSON Feed: "items" is not a list')
    return [functools.partial(from_item, document, item, base) for item in items]


def from_item(feed: dict[str, Any], item: Any, base: str = "") -> Incoming:
    """The article of one item; relative URLs resolve against the feed's home page, and
    that against `base`, where the feed was fetched from."""
    if not isinstance(item, dict):
        raise Refused("the item is not a JSON object")
    home = absolute(_text(feed, "home_page_url"), base) or base
    link = absolute(_text(item, "url"), home)
    summary = one_line(_text(item, "summary"))
    body = _item_body(item, link or home)
    title = one_line(_text(item, "title"))
    derived = not title
    if derived:
        title = title_from_text(summary or plain(body))
    published = _date(item, "date_published")
    updated = _date(item, "date_modified")
    authors = (
        item.get("authors") or feed.get("authors") or [item.get("author") or feed.get("author")]
    )
    return Incoming(
        title=title,
        id=entry_id(_text(item, "id"), link, title, body),
        date=published or updated,
        tags=tuple(filter(None, (one_line(t) for t in _strings(item.get("tags"))))),
        source=entry_source(one_line(_text(feed, "title")), home, link),
        summary=summary,
        body=body,
        title_derived=derived,
        updated=updated if published and updated and updated > published else None,
        authors=tuple(filter(None, (_author(a) for a in _list(authors)))),
    )


def _item_body(item: dict[str, Any], base: str) -> str:
    """content_html sanitized, else content_text (else the summary) as paragraphs."""
    if _text(item, "content_html").strip():
        return body_html(_text(item, "content_html"), True, base)
    return body_html(_text(item, "content_text") or _text(item, "summary"), False, base)


def _date(item: dict[str, Any], key: str) -> dt.datetime | None:
    """The RFC 3339 date at `key`, if the item has one; raise Refused if it is not a date."""
    value = item.get(key)
    if value is None or value == "":
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise Refused(
            f"{key} {value!r} is not a date (RFC 3339, such as 2025-03-12T09:15:00Z)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _author(author: Any) -> str:
    return one_line(author.get("name")) if isinstance(author, dict) else ""


def _text(mapping: dict[str, Any], key: str) -> str:
    """The value at `key` when it is a string (or a number, as some feeds write ids)."""
    value = mapping.get(key)
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _strings(value: Any) -> list[str]:
    return [v for v in _list(value) if isinstance(v, str)]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
