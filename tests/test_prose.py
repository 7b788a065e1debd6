"""Plain prose rendered without Python-Markdown makes exactly what Python-Markdown makes.

Documents are made of the pieces news articles are made of (paragraphs,
headings, lists, quotes, links, images, emphasis), near misses of them (a
marker without its space, a list right after a list, a trailing space, an
unclosed star) and characters that mean something to Python-Markdown. Each is
rendered by digest, which takes `prose_html` where it answers, and by
Python-Markdown alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE_PAGES
from factories import mostly
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_reference import article_files, body, renderers

from generator.content.markup.prose import prose_html
from generator.content.markup.render import MarkdownRenderer, resolve_link
from generator.content.markup.sanitizer import sanitize

PROSE = [
    "Seoul", "said", "on", "Tuesday", "2025", "10", "per", "cent,", "(AP)", "U.S.",
    "\"quoted\"", "it's", "—", "Ünïcödé", "東京", "wow!", "5%", "a:b", "3.5", "e.g.",
    "*em*", "**strong**", "*two words*", "**a** *b*", "[a link](map.svg)",
    "[Reuters](https://example.org/a_b?x=1#c)", "[root](/2025/x/)", "[up](../up.html)",
    "![a map](map.svg)", "![](x.png)", "![alt \"q\"](/i.png)", "x![i](j)", "[call](tel:+1-555)",
    "[write](mailto:desk@example.org)", "[loud](HTTPS://example.org)", "10\xa0000",
]  # fmt: skip
NEAR_MISSES = [  # and characters that mean something to Python-Markdown
    "*", "**", "***", "*a", "a*", "* a*", "*a *", "*a**b*", "_u_", "snake_case", "[x]",
    "[x] (y)", "[x](y z)", "[x](<y>)", "[*x*](y)", "!", "![x]", "&", "&amp;", "AT&T",
    "<b>", ">", "a>b", "`c`", "\\*", "{: .x}", "|", "~", "~~~", "^", "[^1]", "]:",
    "\t", "\xa0", "\x1f", "\x0c", "\u2028", "\x85", "\x02", "\x00",
    "#", "##", "-", "+", "=", ":", "1.", "2025.",
    "[x](javascript:alert(1))", "[x](javascript:alert)", "[x](ftp://a)", "![x](data:x)",
    "[x](http://)", "[x](https:/)", "[x](https:?)", "![x](https://example.org:65536/a.png)",
    "[x](https://example.123/)", "[x](http://1.2.3.256)", "[x](http://09)", "[x](http://xn--)",
    "[x](http://xn--abc.org/)", "[x](http://a%)", "[x](mailto://a:x)", "[x](tel://a:99999)",
    "[x](HTTPS://Example.ORG:8080/a?b=1#c)", "[x](http://a-b.c-d.org.)", "[x](mailto:)",
]  # fmt: skip
STARTS = ["", "# ", "## ", "###### ", "- ", "* ", "+ ", "> ", ">"]
MISSED_STARTS = [
    "####### ", "#", "-  ", "> > ", "1. ", "10. ", "2025. ", "    ", " ", ": ",
    "=", "---", "* * *", "[id]: ", "*[ab]: ", "[^1]: ", "| ", "```", "~~~", "\t",
]  # fmt: skip


any_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=3)
words = st.lists(
    st.one_of(mostly(PROSE, NEAR_MISSES, odds=50), any_text), min_size=1, max_size=6
).map(" ".join)
ending = mostly([""], [" ", "  "], odds=50)
line = st.tuples(mostly(STARTS, MISSED_STARTS, odds=50), words, ending).map("".join)


@st.composite
def block(draw: st.DrawFn) -> str:
    """Lines that start alike (a paragraph, a list, a quote), or now and then any lines."""
    count = draw(st.integers(1, 4))
    if draw(st.integers(0, 19)) == 0:
        return "\n".join(draw(line) for _ in range(count))
    start = draw(mostly(STARTS, MISSED_STARTS, odds=50))
    if start.startswith("#"):
        count = draw(mostly([1], [2], odds=50))
    return "\n".join(start + draw(words) + draw(ending) for _ in range(count))


joints = mostly(["\n\n"], ["\n", "\n\n\n", "\n>\n", "\n \n"], odds=50)
documents = st.lists(st.tuples(block(), joints), max_size=6).map(
    lambda parts: "".join(text + joint for text, joint in parts)
)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
@example("# A heading that Python-Markdown strips of \x1f")
def test_prose_renders_as_python_markdown_does(text: str) -> None:
    digest, python_markdown = renderers()
    html = python_markdown(text, "2025/03")
    assert digest(text, "2025/03") == html
    assert MarkdownRenderer("/news/").render(text, "2025/03") == sanitize(html)


def prose(text: str) -> str | None:
    resolve = lambda target: resolve_link(target, "2025/03", "/news/")  # noqa: E731
    return prose_html(text, resolve)


NEWS = """\
Seoul said on Tuesday it had detected *several* cruise missiles, as
[Reuters reported](https://example.org/a_b?x=1#c). It's the **third** launch.

## What we know

- Launches were detected in the afternoon.
* Intelligence authorities are analysing the data.

![Map of the site](map.svg)

> We would need to see several months of growth.
>
> — A note from a brokerage

> A second quote, in the same blockquote.
"""


def test_news_articles_are_prose() -> None:
    assert prose(NEWS) == (
        "<p>Seoul said on Tuesday it had detected <em>several</em> cruise missiles, as\n"
        '<a href="https://example.org/a_b?x=1#c">Reuters reported</a>.'
        " It's the <strong>third</strong> launch.</p>\n"
        "<h2>What we know</h2>\n"
        "<ul>\n<li>Launches were detected in the afternoon.</li>\n"
        "<li>Intelligence authorities are analysing the data.</li>\n</ul>\n"
        '<p><img alt="Map of the site" src="/news/2025/03/map.svg"></p>\n'
        "<blockquote>\n<p>We would need to see several months of growth.</p>\n"
        "<p>— A note from a brokerage</p>\n"
        "<p>A second quote, in the same blockquote.</p>\n</blockquote>"
    )
    digest, python_markdown = renderers()
    assert digest(NEWS, "2025/03") == python_markdown(NEWS, "2025/03")


@pytest.mark.parametrize(
    "text",
    [
        "- one\n\n- two",  # one loose list, with paragraphs in its items
        "## A heading\nand a paragraph under it",
        "A line that ends in a hard break  \nand the next",
        "> a quote that ends with an empty line\n>",
        "AT&T and <b>HTML</b>",
        "A [reference][ref] link\n\n[ref]: https://example.org",
        "Some `code`",
        "1. An ordered list",
        "Term\n: its definition",
        "a *b",
    ],
)
def test_anything_else_is_left_to_python_markdown(text: str) -> None:
    assert prose(text) is None
    digest, python_markdown = renderers()
    assert digest(text, "2025/03") == python_markdown(text, "2025/03")


@pytest.mark.parametrize("base_path", ["/a&b/", '/x"y/', "/東京/", "/a%20b/"])
def test_links_under_any_base_path_are_what_python_markdown_makes(base_path: str) -> None:
    text = "See [the map](map.svg), ![a map](/img/map.png) and [more](https://example.org/)."
    digest = MarkdownRenderer(base_path)
    expected = sanitize(MarkdownRenderer(base_path, safe=False)._markdown(text, "2025/03"))
    assert digest.render(text, "2025/03") == expected


def test_the_sample_and_benchmark_articles_are_prose(tmp_path: Path) -> None:
    articles = [path for path in article_files(tmp_path) if not path.is_relative_to(SAMPLE_PAGES)]
    assert [path for path in articles if prose(body(path)) is None] == []


@pytest.mark.parametrize(
    ("text", "sanitized"),
    [
        ("A [link](javascript:alert) here.", "<p>A <a>link</a> here.</p>"),
        ("![x](ftp://example.org/x.png)", "<p>x</p>"),  # an image without a source: its text
        ("[x](http://1.2.3.256/)", "<p><a>x</a></p>"),
    ],
)
def test_prose_goes_through_the_one_sanitizer(text: str, sanitized: str) -> None:
    assert prose(text) is not None  # taken by the prose path, not by Python-Markdown
    assert MarkdownRenderer("/news/").render(text, "2025/03") == sanitized
