"""The parts of a feed entry every feed reader of `digest import` makes the same way:
plain text on one line, a body of sanitized HTML whose relative links point where
they did in the feed, a title made from the text when the entry has none, an id
that stays the same when a feed is imported again, and the source.

Used by generator.intake.feedimport (RSS and Atom) and
generator.intake.jsonfeedimport (JSON Feed).
"""

from __future__ import annotations

import dataclasses
import html
import re
import uuid
from typing import Any
from urllib.parse import urljoin, urlsplit

import nh3

from generator.content.markup.links import rewrite_links
from generator.content.markup.sanitizer import sanitize
from generator.intake.incoming import ENTRY_NAMESPACE, Incoming
from generator.intake.plaintext import UUID_LINE, Refused, split_paragraphs
from generator.text import printable
from generator.urls import is_web_url

_BLOCK_TAG = (
    r"(?:p|div|h[1-6]|ul|ol|dl|blockquote|pre|table|figure|section|article|aside|hr|details)"
)
_STARTS_WITH_BLOCK = re.compile(rf"\s*<{_BLOCK_TAG}[\s/>]", re.I)
_HAS_BLOCK = re.compile(rf"<{_BLOCK_TAG}[\s/>]", re.I)
# Tags that end a line of text, replaced by a space before the tags go, so that
# `<p>One.</p><p>Two.</p>` reads "One. Two." and not "One.Two.".
_BREAK = re.compile(rf"</?(?:{_BLOCK_TAG}|br|li|dt|dd|tr|td|th|figcaption)(?=[\s/>])[^>]*>", re.I)
# A derived title is the first sentence if it is this long at most, else the words that fit.
TITLE_LENGTH = 70
# The summary an article of a feed fetched for its summaries keeps (feeds often put the
# whole text in RSS's <description>): its first sentences up to this many characters.
SUMMARY_LENGTH = 400
_SENTENCE_END = re.compile(r"[.!?\u2026](?=\s|$)")


def one_line(text: Any) -> str:
    """`text` as a string on one line, blank space collapsed, control characters gone."""
    return " ".join(printable(str(text or "")).split())


def plain(markup: str) -> str:
    """`markup` without tags (and without the text of scripts), on one line."""
    return one_line(html.unescape(nh3.clean(_BREAK.sub(" ", markup), tags=set())))


def body_html(value: str, is_html: bool, base: str) -> str:
    """An entry's content as sanitized HTML that Markdown leaves alone: HTML (in one
    block) with its relative links resolved against `base`, or plain text as paragraphs."""
    value = printable(value).strip()
    if not is_html:
        return "\n\n".join(f"<p>{html.escape(p)}</p>" for p in split_paragraphs(value.splitlines()))
    cleaned = sanitize(resolve_links(value, base)).strip()
    if not cleaned or not _HAS_BLOCK.search(cleaned):
        return f"<p>{cleaned}</p>" if cleaned else ""
    # Several lines go in one <div>: else Markdown would take an indented line after
    # a closed block (`</h2>\n    <p>`, as feeds indent their HTML) for code.
    if "\n" in cleaned or not _STARTS_WITH_BLOCK.match(cleaned):
        return f"<div>\n{cleaned}\n</div>"
    return cleaned


def resolve_links(markup: str, base: str) -> str:
    """`markup` with each relative href, src, srcset and poster made absolute against the
    web page `base`, so that links and images still work in the imported copy.

    A link within the page (`#note`) stays as it is: the copy has the same anchors.
    """
    if not is_web_url(base):
        return markup

    def resolve(url: str) -> str:
        return url if not url or url.startswith("#") else urljoin(base, url)

    return rewrite_links(markup, resolve)


def absolute(link: str, base: str) -> str:
    """`link` resolved against `base` when it is relative and `base` is a web page."""
    return urljoin(base, link) if link and is_web_url(base) else link


def title_from_text(text: str) -> str:
    """A title for an entry without one: the first sentence of `text` when it is short
    enough, else its first words up to TITLE_LENGTH characters and an ellipsis."""
    text = one_line(text)
    if not text:
        raise Refused("the entry has no title, and no text to make one from")
    end = _SENTENCE_END.search(text)
    if end is not None and end.end() <= TITLE_LENGTH:
        return text[: end.end()]
    return _words(text, TITLE_LENGTH)


def summary_only(incoming: Incoming) -> Incoming:
    """`incoming` with its summary alone (cut to SUMMARY_LENGTH) as the body, and a link
    to the original: for the feeds of others, whose full text is theirs to publish."""
    text = incoming.summary or plain(incoming.body)
    summary = _cut(text, SUMMARY_LENGTH) if text else ""
    parts = [f"<p>{html.escape(summary, quote=False)}</p>"] if summary else []
    link = incoming.link
    if link:
        name = incoming.source.get("name") if isinstance(incoming.source, dict) else ""
        where = f" at {html.escape(name, quote=False)}" if name else ""
        parts.append(f'<p><a href="{html.escape(link)}">Read the whole story{where}</a></p>')
    return dataclasses.replace(incoming, summary=summary, body="\n\n".join(parts))


def credited(incoming: Incoming, name: str) -> Incoming:
    """`incoming` crediting `name`, with its link if it has one."""
    source: str | dict[str, str] = {"name": name, "url": incoming.link} if incoming.link else name
    return dataclasses.replace(incoming, source=source)


def _cut(text: str, length: int) -> str:
    """The sentences of `text` that fit in `length` characters, else `_words`."""
    if len(text) <= length:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, length + 1) if m.end() <= length]
    return text[: ends[-1]] if ends else _words(text, length)


def _words(text: str, length: int) -> str:
    """`text` if it fits in `length` characters, else its first words that fit and an
    ellipsis."""
    if len(text) <= length:
        return text
    head = text[: length + 1]
    words = head.rsplit(" ", 1)[0] if " " in head else text[:length]
    return words.rstrip(" ,;:.-\u2013\u2014") + "\u2026"


def entry_id(own: str, link: str, title: str, body: str) -> str:
    """The entry's own id (`urn:uuid:X` as the bare UUID X), else one made up.

    A made-up id is a UUID from the link (or from the text when there is no
    link), so that importing the same feed again finds the same ids.
    """
    own = one_line(own)
    bare = own.removeprefix("urn:uuid:")
    if UUID_LINE.fullmatch(bare):
        return str(uuid.UUID(bare))
    if own:
        return own
    if link:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, link))
    return str(uuid.uuid5(ENTRY_NAMESPACE, f"{title}\n{body}"))


def entry_source(feed_title: str, feed_link: str, link: str) -> str | dict[str, str] | None:
    """{name: the feed's title or host, url: the entry's link}, or what there is of it."""
    name = feed_title or host(feed_link) or host(link)
    if not is_web_url(link):
        return name or None
    return {"name": name, "url": link} if name else link


def host(url: str) -> str:
    return (urlsplit(url).hostname or "") if is_web_url(url) else ""
