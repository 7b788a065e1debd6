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

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from generator.content.markup.links import resolve_link
from generator.content.markup.prose import prose_html
from generator.content.markup.sanitizer import sanitize

if TYPE_CHECKING:
    from generator.content.markup.pythonmarkdown import PythonMarkdown

__all__ = ["MarkdownRenderer", "first_paragraph_text", "resolve_link", "sanitize"]

_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


class MarkdownRenderer:
    """Article bodies to HTML: plain prose directly (prose.py), the rest through
    Python-Markdown (pythonmarkdown.py), made when first needed; either way then
    through the one sanitizer, unless the site trusts its raw HTML."""

    def __init__(self, base_path: str, safe: bool = True) -> None:
        self._safe = safe
        self._base_path = base_path
        self._python_markdown: PythonMarkdown | None = None

    def render(self, text: str, folder: str) -> str:
        """HTML for `text`, an article body stored in `content/<folder>/`."""
        html = prose_html(text, self._resolver(folder))
        if html is None:
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
