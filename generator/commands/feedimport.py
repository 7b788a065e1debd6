"""RSS 2.0 and Atom feeds for `digest import`, read with feedparser: one article
(an Incoming) per entry.

An entry's title, summary and tags become plain text on one line; its
content (or, without one, its summary) becomes the body, as sanitized HTML
that Markdown leaves alone; its source is the feed's title (or host) and the
entry's link; its id is the entry's own, or one made up that stays the same
when the feed is imported again.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import re
import uuid
from typing import Any
from urllib.parse import urlsplit

import feedparser  # type: ignore[import-untyped]
import nh3

from generator.commands.incoming import ENTRY_NAMESPACE, Incoming
from generator.commands.plaintext import UUID_LINE, Refused, split_paragraphs
from generator.content.markup.sanitizer import sanitize
from generator.content.text import printable

_BLOCK_TAG = (
    r"(?:p|div|h[1-6]|ul|ol|dl|blockquote|pre|table|figure|section|article|aside|hr|details)"
)
_STARTS_WITH_BLOCK = re.compile(rf"\s*<{_BLOCK_TAG}[\s/>]", re.I)
_HAS_BLOCK = re.compile(rf"<{_BLOCK_TAG}[\s/>]", re.I)


def parse_feed(data: bytes) -> Any:
    """The feedparser result for `data`; raise Refused if it is not a usable feed."""
    feed = feedparser.parse(data)
    problem = feed.get("bozo_exception")
    encoding_errors = (feedparser.CharacterEncodingOverride, feedparser.CharacterEncodingUnknown)
    if isinstance(problem, encoding_errors):
        raise Refused(f"not valid text in its declared encoding ({problem})")
    if not feed.get("version"):
        reason = f": {problem}" if problem else ""
        raise Refused(f"not an RSS or Atom feed (feedparser found no feed{reason})")
    return feed


def from_entry(feed: Any, entry: Any) -> Incoming:
    title = _detail_text(entry.get("title_detail") or {})
    if not title:
        raise Refused("the entry has no title")
    link = str(entry.get("link") or "")
    summary_detail = entry.get("summary_detail")
    summary = _detail_text(summary_detail) if summary_detail else ""
    contents = entry.get("content") or ([summary_detail] if summary_detail else [])
    body = _detail_html(contents[0]) if contents else ""
    return Incoming(
        title=title,
        id=_entry_id(entry, link, title, body),
        date=_entry_date(entry),
        tags=tuple(_one_line(t.get("label") or t.get("term")) for t in entry.get("tags") or ()),
        source=_entry_source(feed, link),
        summary=summary,
        body=body,
    )


def _entry_id(entry: Any, link: str, title: str, body: str) -> str:
    """The entry's guid or Atom id (`urn:uuid:X` as the bare UUID X), else one made up.

    A made-up id is a UUID from the link (or from the text when there is no
    link), so that importing the same feed again finds the same ids.
    """
    own = _one_line(entry.get("id"))
    bare = own.removeprefix("urn:uuid:")
    if UUID_LINE.fullmatch(bare):
        return str(uuid.UUID(bare))
    if own:
        return own
    if link:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, link))
    return str(uuid.uuid5(ENTRY_NAMESPACE, f"{title}\n{body}"))


def _entry_date(entry: Any) -> dt.datetime | None:
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    if moment is None:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(moment), dt.UTC)


def _entry_source(feed: Any, link: str) -> str | dict[str, str] | None:
    """{name: the feed's title or host, url: the entry's link}, or what there is of it."""
    feed_link = str(feed.feed.get("link") or "")
    name = _detail_text(feed.feed.get("title_detail") or {}) or _host(feed_link) or _host(link)
    if not _is_web_url(link):
        return name or None
    return {"name": name, "url": link} if name else link


def _detail_text(detail: Any) -> str:
    """The plain text of a feedparser text construct (HTML or plain)."""
    value = str(detail.get("value") or "")
    if "html" in str(detail.get("type") or ""):
        return _plain(value)
    return _one_line(value)


def _detail_html(detail: Any) -> str:
    """A feedparser text construct as one sanitized HTML block that Markdown leaves alone."""
    value = printable(str(detail.get("value") or "")).strip()
    if "html" not in str(detail.get("type") or ""):
        return "\n\n".join(f"<p>{html.escape(p)}</p>" for p in split_paragraphs(value.splitlines()))
    cleaned = sanitize(value).strip()
    if not cleaned or _STARTS_WITH_BLOCK.match(cleaned):
        return cleaned
    if _HAS_BLOCK.search(cleaned):
        return f"<div>\n{cleaned}\n</div>"
    return f"<p>{cleaned}</p>"


def _plain(markup: str) -> str:
    """`markup` without tags (and without the text of scripts), on one line."""
    return _one_line(html.unescape(nh3.clean(markup, tags=set())))


def _one_line(text: Any) -> str:
    """`text` as a string on one line, blank space collapsed, control characters gone."""
    return " ".join(printable(str(text or "")).split())


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "") if _is_web_url(url) else ""


def _is_web_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
