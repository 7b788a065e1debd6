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
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import nh3
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.preprocessors import NormalizeWhitespace, Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX, AtomicString

from generator.prose import prose_html

EXTENSIONS = ("extra", "sane_lists")  # by name, as Python-Markdown knows them
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # of links and images, when sanitized
_EVERYWHERE = {"id", "class", "title", "lang", "dir"}
ALLOWED_ATTRIBUTES = {
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
    return nh3.clean(
        html,
        attributes=ALLOWED_ATTRIBUTES,
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


class _LinkResolver(Treeprocessor):
    def __init__(self, md: markdown.Markdown, base_path: str) -> None:
        super().__init__(md)
        self.base_path = base_path
        self.folder = ""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    element.set(attribute, resolve_link(value, self.folder, self.base_path))


# What any inline pattern of Python-Markdown (with `extra`) needs to match:
# code, escapes, links and images, HTML and autolinks, entities, emphasis,
# footnotes, attribute lists, or a placeholder of raw HTML; or a hard line
# break (`HARD_BREAK`). One character class alone is searched much faster.
_INLINE_MARKUP = re.compile(r"[`\\\[\]!<>&*_{}^~\x02\x03]")
HARD_BREAK = "  \n"


class _PlainText(Treeprocessor):
    """Marks text in which no inline pattern can match, so that the inline phase skips it.

    Python-Markdown tries each of its inline patterns on every piece of text,
    which is most of its time on articles of plain prose. Text it skips is
    output as it is, exactly as when every pattern has been tried and failed.
    Abbreviations (`*[HTML]: ...`) can match any word, so a document that
    defines one is left alone (`enabled`).
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.enabled = True

    def run(self, root: etree.Element) -> None:
        if not self.enabled:
            return
        for element in root.iter():
            text = element.text
            if (
                text
                and not isinstance(text, AtomicString)
                and not _INLINE_MARKUP.search(text)
                and HARD_BREAK not in text
            ):
                element.text = AtomicString(text)


# What starts a line of something other than a paragraph (a heading, setext
# underline, rule, list, quote, reference, footnote, abbreviation, definition
# or table), and what may not be anywhere: a table's pipe, a placeholder of raw HTML.
_NOT_PLAIN_STARTS = frozenset("#>*+-_=[:|0123456789")
_NOT_PLAIN_ANYWHERE = ("|", "\x02", "\x03")


class _PlainParagraph(BlockProcessor):
    """Makes a paragraph of a block that only the paragraph processor could take.

    Python-Markdown tries each block processor on each block, most with a
    regular expression over the whole block, before the paragraph processor
    takes what is left: most blocks of prose. A block that starts with no
    space and has no line that any other processor looks for is taken here,
    first, exactly as the paragraph processor would take it. Inside a list,
    quote or other nested state, the usual processors decide.
    """

    def test(self, parent: etree.Element, block: str) -> bool:
        return (
            block[:1].strip() != ""  # starts with text
            and not self.parser.state
            and not any(char in block for char in _NOT_PLAIN_ANYWHERE)
            and not any(line.lstrip(" \t")[:1] in _NOT_PLAIN_STARTS for line in block.split("\n"))
        )

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        etree.SubElement(parent, "p").text = blocks.pop(0).lstrip()


class _NormalizeWhitespace(NormalizeWhitespace):
    """Python-Markdown's NormalizeWhitespace (as of 3.11), which searches the whole
    document for lines of spaces alone with a look-behind: only when a space
    comes before a line break, which `in` finds many times as fast."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        source = source.replace(STX, "").replace(ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        source = source.expandtabs(self.md.tab_length)
        if " \n" in source:  # what any line the search could change ends with
            source = _SPACES_ALONE.sub("\n", source)
        return source.split("\n")


class _OnlyWith(Preprocessor):
    """Runs `wrapped` only on a document that holds one of `needles`: any other it
    would give back as it is, after going through all of it (a fenced code
    block's regular expression, or an HTML parser for raw HTML)."""

    def __init__(self, md: markdown.Markdown, wrapped: Preprocessor, needles: tuple[str, ...]):
        super().__init__(md)
        self.wrapped, self.needles = wrapped, needles

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if any(needle in text for needle in self.needles):
            return self.wrapped.run(lines)
        return lines


# Preprocessors that change nothing in a document without these (see _OnlyWith):
# fences of backticks or tildes; tags, comments and entity references.
SKIPPABLE = {"fenced_code_block": ("```", "~~~"), "html_block": ("<", "&")}
# Where Python-Markdown registers the preprocessors replaced here (tests check it).
PRIORITIES = {"normalize_whitespace": 30, "fenced_code_block": 25, "html_block": 20}
_SPACES_ALONE = re.compile(r"(?<=\n) +\n")


def extension_instances() -> list[Extension]:
    """`EXTENSIONS`, made here: Python-Markdown finds an extension named by a string
    among the entry points of every installed package, which takes longer than
    converting an article (importlib.metadata reads each package's metadata)."""
    return [
        # "extra", in its order (markdown.extensions.extra.extensions)
        FencedCodeExtension(),
        FootnoteExtension(),
        AttrListExtension(),
        DefListExtension(),
        TableExtension(),
        AbbrExtension(),
        MarkdownInHtmlExtension(),
        SaneListExtension(),
    ]


class MarkdownRenderer:
    """One reusable Markdown converter (building one costs more than using it)."""

    def __init__(self, base_path: str, safe: bool = True) -> None:
        self._safe = safe
        self._base_path = base_path
        self._md = markdown.Markdown(extensions=extension_instances(), output_format="html")
        self._links = _LinkResolver(self._md, base_path)
        self._md.treeprocessors.register(self._links, "digest-links", 0)
        self._plain = _PlainText(self._md)
        self._md.treeprocessors.register(self._plain, "digest-plain-text", 25)  # before "inline"
        paragraphs = _PlainParagraph(self._md.parser)
        self._md.parser.blockprocessors.register(paragraphs, "digest-plain-paragraph", 200)
        preprocessors = self._md.preprocessors
        normalize = _NormalizeWhitespace(self._md)
        preprocessors.register(
            normalize, "normalize_whitespace", PRIORITIES["normalize_whitespace"]
        )
        for name, needles in SKIPPABLE.items():
            guarded = _OnlyWith(self._md, preprocessors[name], needles)
            preprocessors.register(guarded, name, PRIORITIES[name])

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
        self._links.folder = folder
        self._plain.enabled = "*[" not in text
        try:
            return self._md.reset().convert(text)
        finally:
            self._md.reset()


def first_paragraph_text(body_html: str) -> str:
    """The plain text of the first paragraph of `body_html`, or ''."""
    match = _FIRST_PARAGRAPH.search(body_html)
    if match is None:
        return ""
    return " ".join(html.unescape(_TAG.sub("", match.group(1))).split())
