"""Python-Markdown, set up for digest: `extra` and `sane_lists`, links resolved for
the site (of its Markdown and of raw HTML in it alike), and shortcuts for plain
prose that change nothing it makes.

Imported only when an article is more than plain prose (see prose.py):
Python-Markdown and its extensions take about 30 ms to import, much of a
build after an edit.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
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
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import NormalizeWhitespace, Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX, AtomicString

from generator.content.markup.links import (
    URL_ATTRIBUTES,
    resolve_link,
    resolve_srcset,
    rewrite_links,
)

EXTENSIONS = ("extra", "sane_lists")  # by name, as Python-Markdown knows them


class _LinkResolver(Treeprocessor):
    """Resolves the links of the document's elements (see links.resolve_link)."""

    def __init__(self, md: markdown.Markdown, base_path: str) -> None:
        super().__init__(md)
        self.base_path = base_path
        self.folder = ""

    def resolve(self, target: str) -> str:
        return resolve_link(target, self.folder, self.base_path)

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in URL_ATTRIBUTES.intersection(element.keys()):
                value = element.get(attribute, "")
                if attribute == "srcset":
                    element.set(attribute, resolve_srcset(value, self.resolve))
                else:
                    element.set(attribute, self.resolve(value))


class _RawHtmlLinks(Postprocessor):
    """Resolves the links of the raw HTML in the document as those of its Markdown,
    before Python-Markdown puts the raw HTML back in place."""

    def __init__(self, md: markdown.Markdown, links: _LinkResolver) -> None:
        super().__init__(md)
        self.links = links

    def run(self, text: str) -> str:
        stash = self.md.htmlStash
        stash.rawHtmlBlocks = [
            rewrite_links(block, self.links.resolve) if isinstance(block, str) else block
            for block in stash.rawHtmlBlocks
        ]
        return text


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


class PythonMarkdown:
    """One reusable Markdown converter (building one costs more than using it)."""

    def __init__(self, base_path: str) -> None:
        self._md = markdown.Markdown(extensions=extension_instances(), output_format="html")
        self._links = _LinkResolver(self._md, base_path)
        self._md.treeprocessors.register(self._links, "digest-links", 0)
        raw_links = _RawHtmlLinks(self._md, self._links)
        self._md.postprocessors.register(raw_links, "digest-raw-html-links", 35)  # before raw_html
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

    def convert(self, text: str, folder: str) -> str:
        """HTML for `text`, an article body stored in `content/<folder>/`, unsanitized."""
        self._links.folder = folder
        self._plain.enabled = "*[" not in text
        try:
            return self._md.reset().convert(text)
        finally:
            self._md.reset()
