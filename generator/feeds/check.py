"""Every feed parsed back before the build may write it: feed readers are unforgiving."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator

from generator.errors import Problem, SiteError
from generator.feeds.jsonfeed import JSON_FEED_VERSION

_ATOM = "{http://www.w3.org/2005/Atom}"


def check_feed(data: bytes, url: str, origin: str, kind: str, expected_items: int) -> None:
    """Parse a feed back and check its shape; raise SiteError if it is broken."""
    try:
        count = sum(1 for _ in _items(data, kind))
    except (ValueError, KeyError, TypeError, ElementTree.ParseError) as exc:
        raise SiteError([Problem(origin, None, f"{url} is not a valid feed: {exc}")]) from None
    if count != expected_items:
        raise SiteError([Problem(origin, None, f"{url} has {count} items, not {expected_items}")])


def _items(data: bytes, kind: str) -> Iterator[object]:
    """The items of a feed, after checking its required parts; raise on any defect."""
    if kind == "json":
        document = json.loads(data)
        if document["version"] != JSON_FEED_VERSION or not document["title"]:
            raise ValueError("missing version or title")
        for item in document["items"]:
            if not item["id"] or not ("content_html" in item or "content_text" in item):
                raise ValueError("an item lacks an id or content")
            yield item
        return
    root = ElementTree.fromstring(data)
    if kind == "rss":
        channel = root.find("channel")
        if root.tag != "rss" or channel is None:
            raise ValueError("no <rss><channel>")
        for name in ("title", "link", "description"):
            if not channel.findtext(name):
                raise ValueError(f"the channel has no <{name}>")
        for item in channel.iter("item"):
            if not item.findtext("guid") or not item.findtext("title"):
                raise ValueError("an item lacks a guid or title")
            yield item
    else:
        if root.tag != f"{_ATOM}feed" or not root.findtext(f"{_ATOM}id"):
            raise ValueError("no <feed> with an <id>")
        for entry in root.iter(f"{_ATOM}entry"):
            if not entry.findtext(f"{_ATOM}id") or not entry.findtext(f"{_ATOM}updated"):
                raise ValueError("an entry lacks an id or updated date")
            yield entry
