"""Markdown: the shortcuts for plain prose change nothing Python-Markdown makes.

Plain prose is rendered without Python-Markdown (`generator.content.markup.prose`); inside it,
plain text skips the inline patterns, and plain paragraphs skip the block
processors that cannot take them. The reference renderer has none of these.
"""

from __future__ import annotations

from pathlib import Path

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.extensions import extra
from markdown_reference import article_files, body, renderers

from generator.content.markup.pythonmarkdown import (
    EXTENSIONS,
    PRIORITIES,
    PythonMarkdown,
    extension_instances,
)

FRAGMENTS = [
    "Plain words, numbers 10% and (parentheses).",
    "# A heading",
    "Title\n=====",
    "- an item\n- another",
    "1. first\n2. second",
    "> quoted",
    "*em* and **strong**",
    "_under_ and __strong__",
    "`code` here",
    "[a link](map.svg)",
    "![an image](/img.png)",
    "AT&T &amp; co",
    "3 < 4 > 2",
    "a \\# escaped hash",
    "<b>raw</b> html",
    "<div>\nblock html\n</div>",
    "    indented code",
    "Term\n: its definition",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "A note[^1].\n\n[^1]: The note.",
    "*[HTML]: Hyper Text Markup Language",
    "HTML in a sentence",
    "a hard  \nbreak",
    "A paragraph\n{: .lead }",
    "```\nfenced\n```",
    "\\*escaped\\* stars",
    "~tilde~ and ^caret^",
    "Ünïcödé 東京 text \u00a0with no-break space",
    "Trailing spaces   ",
    "Line one\nline two\n  indented line three",
    "- item\n\n    Paragraph in the item\n\n- next",
    "> quoted\n\n> Paragraph quoted",
    "Text\n---",
    "Text\n* * *",
    "2025 was the year",
    "[ref]: https://example.org\n\nSee [ref].",
    "<!-- a comment -->",
    "Colon: here\n:not a definition",
    "~~~ python\ntilde fence\n~~~",
    "````\nfour backticks\n````",
    "Spaces alone on the next line\n   \nand after",
    "\tA tab\n\t\n",
    "Carriage\r\nreturns\r\n \r\nhere",
    "Fish &chips; &#38; &#x26; &",
    "a\x02b\x03c",
    "",
]
documents = st.lists(
    st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(["\n", "\n\n", " "])), max_size=8
).map(lambda parts: "".join(text + joint for text, joint in parts))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(documents, st.text(max_size=80)))
def test_skipping_plain_text_makes_what_trying_every_pattern_makes(text: str) -> None:
    fast, reference = renderers()
    assert fast(text, "2025/03") == reference(text, "2025/03")


def test_sample_and_benchmark_articles_render_as_with_every_pattern(tmp_path: Path) -> None:
    fast, reference = renderers()
    for path in article_files(tmp_path):
        assert fast(body(path), "") == reference(body(path), ""), path


def test_extensions_made_here_are_those_python_markdown_finds_by_name(tmp_path: Path) -> None:
    made = [type(extension).__module__.rsplit(".", 1)[1] for extension in extension_instances()]
    assert made == [*extra.extensions, "sane_lists"]  # "extra" is these, in this order
    texts = FRAGMENTS + [p.read_text(encoding="utf-8") for p in article_files(tmp_path, 5)]
    by_name = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")
    here = markdown.Markdown(extensions=extension_instances(), output_format="html")
    for text in texts:
        assert here.reset().convert(text) == by_name.reset().convert(text)


def test_preprocessors_replaced_here_take_the_places_python_markdown_gives_them() -> None:
    library = markdown.Markdown(extensions=extension_instances())
    places = {item.name: item.priority for item in library.preprocessors._priority}
    assert {name: places[name] for name in PRIORITIES} == PRIORITIES
    fast = PythonMarkdown("/")._md
    assert [item.name for item in fast.preprocessors._priority] == list(places)
