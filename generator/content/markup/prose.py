"""Plain prose in Markdown, turned into the HTML Python-Markdown makes of it, directly.

Most news articles are paragraphs, a few `##` headings and bulleted lists, with
the odd link, `*emphasis*` or `**strong**` text. For such a document
Python-Markdown builds a tree, tries each of its block processors on each block
and each inline pattern on each piece of text, and serializes the tree: most of a
cold build's time. `prose_html` makes the same HTML in a single pass, or returns
None for anything else: any other Markdown, and whatever could be mistaken for
it (a raw-HTML character, an entity, a tab, an indented line, a line that
starts like a list, quote, table or definition, two lists in a row). The
caller then asks Python-Markdown; `tests/test_prose.py` holds both to the same
output.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# What may start a line of a paragraph: not a heading, quote, list, rule,
# setext underline, definition or an indented line.
_PARAGRAPH_LINE = re.compile(r"\*{1,2}(?=[^\s*])|(?![#>*+\-_=:\s]|\d+\.(?: |$))")
_HEADING = re.compile(r"(#{1,6}) (?=\S)([^#\n]*)")
_ITEM = re.compile(r"[-*+] ")
_QUOTED = re.compile("> ")
# Any character that an inline pattern of Python-Markdown looks for (`!` only
# before `[`), or that makes a document something else than plain prose to it:
# raw HTML and entities, escapes, code, fences, attribute lists, footnotes,
# tables, tabs, carriage returns, the placeholders of its stash, and NUL. Each
# line of a document goes through `_inline` but for the marker that starts it.
_MARKUP_CHARACTERS = r"`\\\[\]<>&*_{}^~|\t\r\x00\x02\x03"
_MARKUP = re.compile(f"[{_MARKUP_CHARACTERS}]")
_PLAIN = rf"[^{_MARKUP_CHARACTERS}\n]"  # text of one line, without markup
_ESCAPED_IN_ATTRIBUTES = re.compile(r'[&<>"\n]')
_INLINE = re.compile(
    rf"(?<!!)\[({_PLAIN}+)\]\(([A-Za-z0-9_/:.%?=#+,;@-]+)\)"  # a link
    rf"|!\[({_PLAIN}*)\]\(([A-Za-z0-9_/:.%?=#+,;@-]+)\)"  # an image
    rf"|(?<!\*)\*\*(?=\S)({_PLAIN}+)(?<=\S)\*\*(?!\*)"  # strong
    rf"|(?<!\*)\*(?=\S)({_PLAIN}+)(?<=\S)\*(?!\*)"  # emphasis
)


def prose_html(text: str, resolve: Callable[[str], str]) -> str | None:
    """The HTML Python-Markdown (with `extra` and `sane_lists`) makes of `text`, with
    each link's target put through `resolve`; or None if `text` is not plain prose.
    Like Python-Markdown's, it is not yet sanitized."""

    def checked(target: str) -> str:
        resolved = resolve(target)
        if _ESCAPED_IN_ATTRIBUTES.search(resolved):
            raise _NotProse  # from the site's base path: written as entities
        return resolved

    try:
        return "\n".join(_html_blocks(text, checked))
    except _NotProse:
        return None


class _NotProse(Exception):
    """Something in the document that only Python-Markdown knows what to make of."""


def _html_blocks(text: str, resolve: Callable[[str], str]) -> list[str]:
    html: list[str] = []
    last = ""  # what the last block was
    for lines in _blocks(text):
        first = lines[0]
        if first.startswith("#"):
            heading = _HEADING.fullmatch(first)
            if heading is None or len(lines) > 1:
                raise _NotProse  # a rule, or a paragraph after a heading
            level = len(heading[1])
            html.append(f"<h{level}>{_inline(heading[2].strip(), resolve)}</h{level}>")
            last = "heading"
        elif _ITEM.match(first):
            if last == "list":
                raise _NotProse  # Python-Markdown makes one loose list of the two
            items = [f"<li>{_inline(_after(_ITEM, line), resolve)}</li>" for line in lines]
            html.append("<ul>\n" + "\n".join(items) + "\n</ul>")
            last = "list"
        elif first.startswith(">"):
            unquoted = "\n".join("" if line == ">" else _after(_QUOTED, line) for line in lines)
            if lines[-1] == ">":
                raise _NotProse  # Python-Markdown ends the last paragraph with a line break
            paragraphs = "\n".join(_paragraph(run, resolve) for run in _blocks(unquoted))
            if last == "quote":  # Python-Markdown makes one quote of the two
                html[-1] = html[-1].removesuffix("</blockquote>") + paragraphs + "\n</blockquote>"
            else:
                html.append(f"<blockquote>\n{paragraphs}\n</blockquote>")
            last = "quote"
        else:
            html.append(_paragraph(lines, resolve))
            last = "paragraph"
    return html


def _blocks(text: str) -> list[list[str]]:
    """The lines of `text` in runs without an empty line between them."""
    runs: list[list[str]] = []
    run: list[str] = []
    for line in text.split("\n"):
        if line:
            if line[-1] == " ":  # a hard break, or a line of spaces alone
                raise _NotProse
            run.append(line)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def _after(start: re.Pattern[str], line: str) -> str:
    """What follows `start` on `line`, which must be the start of a paragraph's line."""
    found = start.match(line)
    if found is None or not _PARAGRAPH_LINE.match(line, found.end()):
        raise _NotProse
    return line[found.end() :]


def _paragraph(lines: list[str], resolve: Callable[[str], str]) -> str:
    if not all(_PARAGRAPH_LINE.match(line) for line in lines):
        raise _NotProse
    text = "\n".join(lines)
    return f"<p>{_inline(text, resolve)}</p>"


def _inline(text: str, resolve: Callable[[str], str]) -> str:
    if not _MARKUP.search(text):
        return text
    html, start = [], 0
    for piece in _INLINE.finditer(text):
        between = text[start : piece.start()]
        if _MARKUP.search(between):
            raise _NotProse
        html.append(between)
        link_text, target, alt, source, strong, emphasis = piece.groups()
        if link_text is not None:
            html.append(f'<a href="{resolve(target)}">{link_text}</a>')
        elif source is not None:
            alt = alt.replace('"', "&quot;")
            html.append(f'<img alt="{alt}" src="{resolve(source)}">')
        elif strong is not None:
            html.append(f"<strong>{strong}</strong>")
        else:
            html.append(f"<em>{emphasis}</em>")
        start = piece.end()
    if _MARKUP.search(text, start):
        raise _NotProse
    html.append(text[start:])
    return "".join(html)
