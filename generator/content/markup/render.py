"""Markdown -> HTML for article bodies, with links resolved for the site.

Raw HTML in an article is untrusted: unless the site sets `unsafe_html`, the
result goes through an allow-list sanitizer (nh3) that keeps ordinary markup
(links, images, tables, figures, quotes, footnotes) and drops scripts, event
handlers and `javascript:`/`data:` URLs.

Inside an article, a relative link or image (`map.svg`) points next to the
article's source file, which is where the build copies it; a root-relative
one (`/2025/03/map.svg`) is relative to the site. Both become paths under the
site's base path, so the site works when published under a sub-path.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from generator.content.markup.prose import prose_html

if TYPE_CHECKING:
    from generator.content.markup.pythonmarkdown import PythonMarkdown

_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # of links and images, when sanitized
_EVERYWHERE = {"id", "class", "title", "lang", "dir"}


@functools.cache
def allowed_attributes() -> dict[str, set[str]]:
    """The attributes the sanitizer keeps: nh3's, and more of links, images, table
    cells and times."""
    import nh3

    return {
        **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
        "*": _EVERYWHERE,
        "a": {"href", "hreflang"},
        "img": {"src", "alt", "width", "height", "loading"},
        "th": {"style", "colspan", "rowspan", "scope", "align"},
        "td": {"style", "colspan", "rowspan", "align"},
        "time": {"datetime"},
    }


def sanitize(html: str) -> str:
    """`html` with only allow-listed tags, attributes and URL schemes left."""
    import nh3  # imported when first needed: prose needs no sanitizing

    return nh3.clean(
        html,
        attributes=allowed_attributes(),
        link_rel=None,
        filter_style_properties={"text-align"},
        url_schemes=set(URL_SCHEMES),
    )


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


class MarkdownRenderer:
    """Article bodies to HTML: plain prose directly (prose.py), the rest through
    Python-Markdown (pythonmarkdown.py), made when first needed."""

    def __init__(self, base_path: str, safe: bool = True) -> None:
        self._safe = safe
        self._base_path = base_path
        self._python_markdown: PythonMarkdown | None = None

    def render(self, text: str, folder: str) -> str:
        """HTML for `text`, an article body stored in `content/<folder>/`."""
        prose = prose_html(text, self._resolver(folder), URL_SCHEMES)
        if prose is not None:
            # Text without markup, in a few tags, linking to allowed schemes only:
            # what the sanitizer makes of it, but for its no-break spaces.
            return prose.replace("\xa0", "&nbsp;") if self._safe else prose
        html = self._markdown(text, folder)
        return sanitize(html) if self._safe else html

    def _resolver(self, folder: str) -> Callable[[str], str]:
        return lambda target: resolve_link(target, folder, self._base_path)

    def _markdown(self, text: str, folder: str) -> str:
        """HTML for `text` from Python-Markdown itself."""
        if self._python_markdown is None:
            from generator.content.markup.pythonmarkdown import PythonMarkdown

            self._python_markdown = PythonMarkdown(self._base_path)
        return self._python_markdown.convert(text, folder)


def first_paragraph_text(body_html: str) -> str:
    """The plain text of the first paragraph of `body_html`, or ''."""
    match = _FIRST_PARAGRAPH.search(body_html)
    if match is None:
        return ""
    return " ".join(html.unescape(_TAG.sub("", match.group(1))).split())
