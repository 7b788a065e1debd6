"""Where an article's links point: Markdown's and those of raw HTML in it alike."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def resolve_link(target: str, folder: str, base_path: str) -> str:
    """Where a link written in an article under `content/folder` really points."""
    if not target or target.startswith(("#", "//", "?")) or _SCHEME.match(target):
        return target
    if target.startswith("/"):
        return base_path + target.lstrip("/")
    joined = posixpath.normpath(posixpath.join(folder, target))
    if joined == ".." or joined.startswith("../"):
        return target
    trailing = "/" if target.endswith("/") and joined != "." else ""
    return base_path + ("" if joined == "." else joined) + trailing


# The attributes of HTML that hold a URL an article may write relative to itself,
# and `srcset`, which holds several.
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "srcset"})
_ATTRIBUTE = re.compile(
    r"""(\s)(href|src|poster|srcset)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.IGNORECASE
)


def resolve_srcset(srcset: str, resolve: Callable[[str], str]) -> str:
    """`srcset` (`a.png 1x, b.png 2x`) with each candidate's URL put through `resolve`."""
    candidates = []
    for candidate in srcset.split(","):
        url, _, size = candidate.strip().partition(" ")
        candidates.append(f"{resolve(url)} {size.strip()}".strip() if url else "")
    return ", ".join(c for c in candidates if c)


def rewrite_links(html: str, resolve: Callable[[str], str]) -> str:
    """Raw HTML `html` with the URL of each link, image, source and poster put through
    `resolve`, as Markdown's are; the rest of it as it is."""
    if not any(name in html for name in URL_ATTRIBUTES):
        return html
    tags = _StartTags()
    tags.feed(html)
    tags.close()
    pieces, done = [], 0
    for start, text in tags.found:
        pieces += [html[done:start], _ATTRIBUTE.sub(lambda m: _resolved(m, resolve), text)]
        done = start + len(text)
    return "".join(pieces) + html[done:]


def links_in(html: str) -> list[tuple[str, str]]:
    """Each (attribute, URL) of `html` that links to a page or file: `href`, `src`,
    `poster` and each candidate of a `srcset`, in order."""
    tags = _StartTags()
    tags.feed(html)
    tags.close()
    found = []
    for name, value in tags.attributes:
        urls = (
            [c.strip().partition(" ")[0] for c in value.split(",")] if name == "srcset" else [value]
        )
        found += [(name, url) for url in urls if url]
    return found


class _StartTags(HTMLParser):
    """The start tags of a piece of HTML that have a URL attribute: where each starts,
    its text as written, and the URL attributes' values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.attributes: list[tuple[str, str]] = []
        self._lines = [0]

    def feed(self, data: str) -> None:
        # Where each line starts, as the parser counts them: after each "\n".
        self._lines += [newline.end() for newline in re.finditer("\n", data)]
        super().feed(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        urls = [(name, value) for name, value in attrs if name in URL_ATTRIBUTES and value]
        text = self.get_starttag_text()
        if urls and text is not None:
            line, column = self.getpos()
            self.found.append((self._lines[line - 1] + column, text))
            self.attributes += urls


def _resolved(attribute: re.Match[str], resolve: Callable[[str], str]) -> str:
    space, name, equals, quoted = attribute.groups()
    value = unescape(quoted[1:-1] if quoted[:1] in "\"'" else quoted)
    changed = resolve_srcset(value, resolve) if name.lower() == "srcset" else resolve(value)
    if changed == value:
        return attribute.group(0)
    return f'{space}{name}{equals}"{_escape_attribute(changed)}"'


def _escape_attribute(value: str) -> str:
    """`value` escaped as Python-Markdown escapes an attribute's value."""
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
