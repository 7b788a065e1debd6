"""Plain-text articles as scraped from news sites: the seed layout.

A title line, an optional bare number (dropped), an optional UUID line (the
`id`), a lead paragraph (the `summary`), body paragraphs, an `Original Source:
NAME` line and, at the end, the comment form and share buttons of the web page
it was copied from. What counts as such page furniture is said in one place,
BOILERPLATE; only a run of it at the very end of a file is dropped.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from generator.text import printable

_NUMBER_LINE = re.compile(r"\d+")
UUID_LINE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# `Original Source: NAME`, `Source: NAME`, `Original source - NAME`; NAME may be a URL.
SOURCE_LINE = re.compile(r"(?:original\s+)?source\s*(?::|\s[-\u2013\u2014])\s*(?P<name>\S.*)", re.I)


class Refused(Exception):
    """An input, or a feed entry, that cannot be imported; the message says why."""


def _whole_lines(*patterns: str) -> tuple[re.Pattern[str], ...]:
    """Patterns that must match a whole line, in any letter case."""
    return tuple(re.compile(rf"\s*(?:{p})\s*", re.IGNORECASE) for p in patterns)


@dataclass(frozen=True)
class BoilerplateRules:
    """What a web page puts after an article: comment forms, share buttons, related posts.

    Only a run of such lines at the very end of a file is dropped; the same
    words in the middle of an article, or inside a longer line, are kept.
    """

    # A line that is page furniture on its own (matched against the whole line).
    lines: tuple[re.Pattern[str], ...]
    # A heading that opens a trailing list of links: it goes, with the short
    # lines after it (post titles, button labels), when nothing else follows.
    sections: tuple[re.Pattern[str], ...]
    max_section_lines: int = 12
    max_link_length: int = 120

    def is_furniture(self, line: str) -> bool:
        return any(pattern.fullmatch(line) for pattern in self.lines)

    def is_section_heading(self, line: str) -> bool:
        return any(pattern.fullmatch(line) for pattern in self.sections)


BOILERPLATE = BoilerplateRules(
    lines=_whole_lines(
        # comment form headings and buttons
        r"(?:leave|post|add|write|submit) a (?:reply|comment|response)(?: to .+)?",
        r"cancel reply|post comment|submit comment|reply",
        r"(?:\d+ )?(?:comments?|responses?|replies)(?: \(\d+\))?:?",
        r"you must be logged in to post a comment\.?",
        # the form's notes and fields
        r"your email address will not be published\.?(?:\s*required fields are marked\s*\*?)?",
        r"required fields are marked\s*\*?",
        r"(?:comment|name|e-?mail|website|url)\s*\*?",
        r"save my name,? e-?mail,? and website in this browser for the next time i comment\.?",
        r"notify me of (?:follow-up comments|new posts) by e-?mail\.?",
        r"\u0394",  # the anti-spam field some comment forms leave as a lone "Δ"
        # like and share buttons
        r"like this:?|like loading\.\.\.|loading\.\.\.",
        r"(?:click to )?share on \w+(?: \(opens in new window\))?",
    ),
    sections=_whole_lines(
        r"share this(?: article| story| post)?:?",
        r"related(?: posts| articles| stories| news)?:?",
        r"(?:you may also like|read more|more from .+):?",
    ),
)


@dataclass(frozen=True)
class PlainText:
    """An article read from a plain-text file, before it gets a date and a file."""

    title: str
    id: str | None
    summary: str
    paragraphs: tuple[str, ...]
    source: str | None


def parse_plain_text(text: str, rules: BoilerplateRules = BOILERPLATE) -> PlainText:
    """Read an article in the seed layout; raise Refused when there is none."""
    lines = [line.strip() for line in text.removeprefix("\ufeff").splitlines()]
    if not any(lines):
        raise Refused("empty file")
    if lines[0] == "---":
        raise Refused("already a Markdown article with front matter: copy it into content/")
    at = _skip_blank(lines, 0)
    title = " ".join(printable(lines[at]).split())
    at = _skip_blank(lines, at + 1)
    if at < len(lines) and _NUMBER_LINE.fullmatch(lines[at]):
        at = _skip_blank(lines, at + 1)
    article_id = None
    if at < len(lines) and UUID_LINE.fullmatch(lines[at]):
        article_id = str(uuid.UUID(lines[at]))
        at += 1
    rest, source = _split_trailer(lines[at:], rules)
    paragraphs = [printable(p) for p in split_paragraphs(rest)]
    if not paragraphs:
        raise Refused("only a title line, no article text")
    lead, body = paragraphs[0], paragraphs[1:] or paragraphs[:1]
    return PlainText(title, article_id, " ".join(lead.split()), tuple(body), source)


def _skip_blank(lines: Sequence[str], at: int) -> int:
    while at < len(lines) and not lines[at]:
        at += 1
    return at


def _split_trailer(lines: list[str], rules: BoilerplateRules) -> tuple[list[str], str | None]:
    """`lines` without the trailing boilerplate and source line, and the source's name."""
    end = boilerplate_start(lines, rules)
    match = SOURCE_LINE.fullmatch(lines[end - 1]) if end else None
    if match is None:
        return lines[:end], None
    return lines[: boilerplate_start(lines[: end - 1], rules)], match.group("name").strip()


def boilerplate_start(lines: Sequence[str], rules: BoilerplateRules = BOILERPLATE) -> int:
    """Where the run of boilerplate (and blank) lines at the end of `lines` begins."""
    end = _before_blank(lines, len(lines))
    while end:
        if rules.is_furniture(lines[end - 1]):
            end = _before_blank(lines, end - 1)
            continue
        heading = _section_heading(lines, end, rules)
        if heading is None:
            break
        end = _before_blank(lines, heading)
    return end


def _before_blank(lines: Sequence[str], end: int) -> int:
    while end and not lines[end - 1]:
        end -= 1
    return end


def _section_heading(lines: Sequence[str], end: int, rules: BoilerplateRules) -> int | None:
    """The line of a heading in `lines[:end]` followed by nothing but a few short lines."""
    text_lines = 0
    for index in range(end - 1, -1, -1):
        line = lines[index]
        if not line:
            continue
        if rules.is_section_heading(line):
            return index
        text_lines += 1
        too_long = len(line) > rules.max_link_length or text_lines > rules.max_section_lines
        if too_long or SOURCE_LINE.fullmatch(line):
            return None
    return None


def split_paragraphs(lines: Sequence[str]) -> list[str]:
    """Blocks of lines separated by blank lines, each joined by newlines."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return ["\n".join(block) for block in blocks if block]
