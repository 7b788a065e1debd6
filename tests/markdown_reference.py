"""What digest's Markdown is held to: Python-Markdown with every shortcut taken out,
and the articles (the sample site's and the benchmark corpus's) it is tried on."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from markdown.preprocessors import NormalizeWhitespace

from generator.content.markup.pythonmarkdown import PRIORITIES, SKIPPABLE, PythonMarkdown
from generator.content.markup.render import MarkdownRenderer

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
from corpus import write_corpus  # noqa: E402

Render = Callable[[str, str], str]


def renderers() -> tuple[Render, Render]:
    """digest's renderer (not sanitizing), and Python-Markdown with the same extensions,
    putting every block and piece of text through every processor and pattern."""
    fast, reference = MarkdownRenderer("/news/", safe=False), PythonMarkdown("/news/")
    reference._md.treeprocessors.deregister("digest-plain-text")
    reference._md.parser.blockprocessors.deregister("digest-plain-paragraph")
    preprocessors = reference._md.preprocessors
    normalize = NormalizeWhitespace(reference._md)
    preprocessors.register(normalize, "normalize_whitespace", PRIORITIES["normalize_whitespace"])
    for name in SKIPPABLE:
        preprocessors.register(preprocessors[name].wrapped, name, PRIORITIES[name])
    return fast.render, reference.convert


def article_files(folder: Path, corpus_size: int = 30) -> list[Path]:
    """`corpus_size` benchmark articles written into `folder`, and the sample site's."""
    write_corpus(corpus_size, folder)
    return sorted(folder.glob("*.md")) + sorted((REPO / "content").rglob("*.md"))


def body(path: Path) -> str:
    """The Markdown of the article at `path`, without its front matter."""
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
