"""RSS 2.0 and Atom feeds for `digest import`, read with feedparser: one article
(an Incoming) per entry.

An entry's title, summary and tags become plain text on one line; an entry
without a title gets one made from its text. Its content (or, without one, its
summary) becomes the body, as sanitized HTML that Markdown leaves alone, with
relative links resolved against the entry's xml:base, link or the feed's link.
Its source is the feed's title (or host) and the entry's link; its id is the
entry's own, or one made up that stays the same when the feed is imported again.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import xml.sax
from collections.abc import Callable
from typing import Any

import feedparser  # type: ignore[import-untyped]

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
from generator.urls import is_web_url

# `<!ENTITY` as ASCII-compatible encodings and UTF-16 write it (an XML parser reads both).
_ENTITY = b"<!ENTITY"
_ENTITY_UTF16 = tuple("<!ENTITY".encode(encoding) for encoding in ("utf-16-le", "utf-16-be"))
# Where `<!ENTITY` is text, not markup: a CDATA section (a security blog's post quoting
# an attack) or a comment.
_NOT_MARKUP = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->", re.DOTALL)


def declares_entities(data: bytes) -> bool:
    """Whether the XML document `data` declares an entity (outside CDATA and comments,
    `<!ENTITY` can be nothing else); UTF-16 documents are looked at as they are."""
    if _ENTITY in data and _ENTITY in _NOT_MARKUP.sub(b"", data):
        return True
    return any(declaration in data for declaration in _ENTITY_UTF16)


def parse_feed(data: bytes) -> Any:
    """The feedparser result for `data`; raise Refused if it is not a usable feed.

    feedparser's own sanitizer is off: it drops `srcset`, which the site's sanitizer
    (generator.content.markup.sanitizer, applied to every body) keeps. A feed that
    declares XML entities is refused before it is parsed: no feed needs one, and
    they are what XXE (an entity that reads a file or a URL) and billion laughs (one
    that expands to gigabytes) attacks are made of.
    """
    if declares_entities(data):
        message = "declares XML entities, which no feed needs (an XXE or billion laughs attack?)"
        raise Refused(message)
    feed = feedparser.parse(data, sanitize_html=False)
    problem = feed.get("bozo_exception")
    encoding_errors = (feedparser.CharacterEncodingOverride, feedparser.CharacterEncodingUnknown)
    if isinstance(problem, encoding_errors):
        raise Refused(f"not valid text in its declared encoding ({problem})")
    if not feed.get("version"):
        reason = f": {problem}" if problem else ""
        raise Refused(f"not an RSS or Atom feed (feedparser found no feed{reason})")
    if isinstance(problem, xml.sax.SAXParseException) and not feed.entries:
        # Read leniently, as feed readers do, a feed that is not well-formed XML still
        # gives its entries; one that gives none is broken, not empty.
        where = f"line {problem.getLineNumber()}, column {problem.getColumnNumber()}"
        raise Refused(f"not well-formed XML ({where}: {problem.getMessage()})")
    return feed


def feed_entries(data: bytes, base: str = "") -> list[Callable[[], Incoming]]:
    """One reader per entry of the feed `data` (from the URL `base`, if fetched); each
    raises Refused for its entry."""
    feed = parse_feed(data)
    return [functools.partial(from_entry, feed, entry, base) for entry in feed.entries]


def from_entry(feed: Any, entry: Any, base: str = "") -> Incoming:
    """The article of one entry; a relative link resolves against the feed's link, and
    that against `base`, the URL the feed was fetched from. (feedparser would resolve
    them itself if told the feed's URL, but ids too, which must stay as they are.)"""
    feed_link = absolute(str(feed.feed.get("link") or ""), base) or base
    link = str(entry.get("link") or "")
    if entry.get("guidislink") and not is_web_url(link):
        link = ""  # a guid feedparser took for a link: `<guid>story-1</guid>` is no page
    link = absolute(link, feed_link)
    summary_detail = entry.get("summary_detail")
    summary = _detail_text(summary_detail) if summary_detail else ""
    contents = entry.get("content") or ([summary_detail] if summary_detail else [])
    body = _detail_html(contents[0], link or feed_link) if contents else ""
    title = _detail_text(entry.get("title_detail") or {})
    derived = not title
    if derived:
        title = title_from_text(summary or plain(body))
    published = _moment(entry.get("published_parsed"))
    updated = _moment(entry.get("updated_parsed"))
    return Incoming(
        title=title,
        id=entry_id(entry.get("id"), link, title, body),
        date=published or updated,
        tags=tuple(one_line(t.get("label") or t.get("term")) for t in entry.get("tags") or ()),
        source=_entry_source(feed, link),
        summary=summary,
        body=body,
        title_derived=derived,
        updated=updated if published and updated and updated > published else None,
        authors=tuple(filter(None, (one_line(a.get("name")) for a in entry.get("authors") or ()))),
    )


def _moment(parsed: Any) -> dt.datetime | None:
    """A time feedparser parsed (a UTC struct_time) as an aware datetime."""
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC) if parsed else None


def _entry_source(feed: Any, link: str) -> str | dict[str, str] | None:
    feed_title = _detail_text(feed.feed.get("title_detail") or {})
    return entry_source(feed_title, str(feed.feed.get("link") or ""), link)


def _detail_text(detail: Any) -> str:
    """The plain text of a feedparser text construct (HTML or plain)."""
    value = str(detail.get("value") or "")
    if "html" in str(detail.get("type") or ""):
        return plain(value)
    return one_line(value)


def _detail_html(detail: Any, link: str) -> str:
    """A feedparser text construct as sanitized HTML; its links are resolved against its
    xml:base (feedparser resolved those it knows of), else against `link`."""
    base = str(detail.get("base") or "")
    is_html = "html" in str(detail.get("type") or "")
    return body_html(str(detail.get("value") or ""), is_html, base if is_web_url(base) else link)
