"""Subscriptions as OPML 2.0 (http://opml.org/spec2.opml), the file every feed reader
imports and exports.

An outline with an `xmlUrl` is a subscription: `text` (or `title`) its name,
`category` its tags (comma-separated paths, as the spec says, each path's
last part a tag). What OPML has no attribute for (source, draft,
content, and tags with "/" or "," that a category cannot hold) goes in
attributes of digest's own namespace, so that an export imported again gives
the same subscriptions. Outlines nest in folders; a
folder's name is not a tag.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence

from generator.intake.feedimport import declares_entities
from generator.settings.subscriptions import Subscription

NAMESPACE = "urn:x-digest:opml:1"  # of digest's own attributes
_DIGEST = f"{{{NAMESPACE}}}"


class OpmlError(ValueError):
    """A file that is not OPML digest can read; the message says why."""


def to_opml(title: str, subscriptions: Sequence[Subscription]) -> str:
    """The OPML 2.0 document of `subscriptions`."""
    ET.register_namespace("digest", NAMESPACE)
    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = f"{title}: subscriptions"
    body = ET.SubElement(root, "body")
    for subscription in subscriptions:
        name = subscription.name or subscription.url
        outline = ET.SubElement(body, "outline", type="rss", text=name)
        if subscription.name:
            outline.set("title", subscription.name)
        outline.set("xmlUrl", subscription.url)
        if subscription.tags:
            outline.set("category", ",".join(subscription.tags))
        if any("/" in tag or "," in tag for tag in subscription.tags):  # not as a category
            outline.set(f"{_DIGEST}tags", json.dumps(subscription.tags, ensure_ascii=False))
        if subscription.source:
            outline.set(f"{_DIGEST}source", subscription.source)
        if subscription.draft:
            outline.set(f"{_DIGEST}draft", "true")
        if subscription.content != "summary":
            outline.set(f"{_DIGEST}content", subscription.content)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def from_opml(data: bytes) -> list[Subscription]:
    """Every subscription of the OPML document `data`; raise OpmlError if it is not one.

    A document that declares entities is refused unread (XXE, billion laughs).
    """
    if declares_entities(data):
        raise OpmlError("declares XML entities, which OPML has no need of")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OpmlError(f"not XML: {exc}") from None
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise OpmlError("not OPML: no <opml> with a <body>")
    return [_subscription(outline) for outline in _feeds(body)]


def _feeds(parent: ET.Element) -> Iterator[ET.Element]:
    for outline in parent.iter("outline"):
        if outline.get("xmlUrl", "").strip():
            yield outline


def _tags(written: str) -> tuple[str, ...] | None:
    """The tags digest wrote as a JSON list (those with "/" or ","), if it did."""
    try:
        tags = json.loads(written) if written else None
    except ValueError:
        return None
    if isinstance(tags, list) and all(isinstance(tag, str) for tag in tags):
        return tuple(tags)
    return None


def _subscription(outline: ET.Element) -> Subscription:
    name = (outline.get("text") or outline.get("title") or "").strip()
    url = outline.get("xmlUrl", "").strip()
    # A category is a path ("/News/Politics"); its last part is the tag.
    categories = (
        part.rsplit("/", 1)[-1].strip() for part in outline.get("category", "").split(",")
    )
    exact = _tags(outline.get(f"{_DIGEST}tags", ""))
    return Subscription(
        url=url,
        name="" if name == url else name,
        tags=exact if exact is not None else tuple(tag for tag in categories if tag),
        source=outline.get(f"{_DIGEST}source", "").strip(),
        draft=outline.get(f"{_DIGEST}draft", "") == "true",
        content="full" if outline.get(f"{_DIGEST}content") == "full" else "summary",
    )
