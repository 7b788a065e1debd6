"""Reading content/: front matter, articles, problems with `path:line`, links in bodies."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import SiteMaker, article

from generator.content.fences import split_front_matter
from generator.content.frontmatter import Source
from generator.content.loading import read_content
from generator.content.markup.render import MarkdownRenderer, resolve_link
from generator.content.model import Article
from generator.content.reader import derived_id, parse_article
from generator.errors import Problem, SiteError
from generator.settings.config import SiteConfig
from generator.urls import Urls

UTC = ZoneInfo("UTC")
URLS = Urls("https://example.org/", "/{year}/{month}/{day}/{slug}/")
RENDERER = MarkdownRenderer("/")
PATH = "content/2025/03/x.md"


def parse(
    text: str, path: str = PATH, tz: ZoneInfo = UTC, renderer: MarkdownRenderer = RENDERER
) -> tuple[Article | None, list[Problem]]:
    return parse_article(path, text, tz, URLS, renderer)


def read(
    text: str, path: str = PATH, tz: ZoneInfo = UTC, renderer: MarkdownRenderer = RENDERER
) -> Article:
    """The article in `text`, which must have no problems besides warnings."""
    found, reported = parse(text, path, tz, renderer)
    assert found is not None, [str(p) for p in reported]
    assert all(p.warning for p in reported)
    return found


def problems(text: str, path: str = PATH) -> list[str]:
    """The problems of `text`, which must not be readable as an article."""
    found, reported = parse(text, path)
    assert found is None
    return [str(p) for p in reported]


def load(site: Path, tz: ZoneInfo = UTC) -> tuple[Article, ...]:
    return read_content(site, SiteConfig(timezone=tz.key), URLS).articles


# front matter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: X\n---\n\nBody\n", ("title: X\n", "Body\n", 5)),
        ("\ufeff---\ntitle: X\n---\nBody\n", ("title: X\n", "Body\n", 4)),
        ("---\r\ntitle: X\r\n---\r\n\r\nBody\r\n", ("title: X\r\n", "Body\r\n", 5)),
        ("---\ntitle: X\n...\nBody\n", ("title: X\n", "Body\n", 4)),
        ("---\n---\nBody\n", ("", "Body\n", 3)),
        ("---\na: 1\n---\nOne\n\n---\n\nTwo\n", ("a: 1\n", "One\n\n---\n\nTwo\n", 4)),
    ],
)
def test_split_front_matter(text: str, expected: tuple[str, str, int]) -> None:
    assert split_front_matter(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: X\n", "no front matter: the file must start with a line '---' (or '+++')"),
        (
            "\n---\ntitle: X\n---\n",
            "no front matter: the file must start with a line '---' (or '+++')",
        ),
        ("---\ntitle: X\nBody\n", "front matter is not closed by a line '---'"),
        ("+++\ntitle = 'X'\n---\n", "front matter is not closed by a line '+++'"),
    ],
)
def test_split_front_matter_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        split_front_matter(text)
    assert problems(text) == [f"{PATH}:1: {message}"]


# required fields and where their problems are


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("date: 2025-03-12", "1: missing required field 'title'"),
        ("title: ''\ndate: 2025-03-12", "2: title must not be empty"),
        ("title: [a]\ndate: 2025-03-12", "2: title must be text, got list"),
        ("title: X", "1: missing required field 'date' (or a YYYY-MM-DD- file name prefix)"),
        ("title: X\nid: a\ndate: soon", "4: date: cannot read 'soon' as a date; use ISO 8601"),
        ("title: X\ndate: 2025-03-12\ntags: [a, b", "4: invalid YAML: "),
        ("title: X\ndate: 2025-03-12\nsource: A\n  bad: indent", "5: invalid YAML: "),
    ],
)
def test_problem_names_file_and_line(head: str, expected: str) -> None:
    [reported] = problems(f"---\n{head}\n---\n\nBody.\n")
    assert reported.startswith(f"{PATH}:{expected}")


def test_empty_date_is_a_problem_not_a_silently_dropped_article() -> None:
    reported = problems("---\ntitle: X\ndate:\n---\n\nBody.\n")
    assert len(reported) == 1
    assert reported[0].startswith(f"{PATH}:3: ")
    assert "date" in reported[0]


def test_all_problems_of_one_file_are_reported() -> None:
    text = article("", date="soon", draft="maybe", slug="a/b")
    assert problems(text) == [
        f"{PATH}:1: missing required field 'title'",
        f"{PATH}:2: date: cannot read 'soon' as a date; use ISO 8601, e.g. "
        "2025-03-12T09:15:00+09:00",
        f"{PATH}:3: draft must be true or false, got 'maybe'",
        f"{PATH}:4: slug must be one path segment without '/', '\\', '..', '%' or NUL: 'a/b'",
    ]


def test_date_from_file_name_prefix() -> None:
    found = read(article("Seoul Markets", date=""), path="content/2025/03/2025-03-13-seoul.md")
    assert found.date == dt.datetime(2025, 3, 13, tzinfo=UTC)
    assert found.url == "2025/03/13/seoul-markets/"


def test_date_in_front_matter_wins_over_file_name() -> None:
    found = read(article("X", date="2025-03-12T09:00:00+00:00"), path="content/2025-01-01-x.md")
    assert found.date == dt.datetime(2025, 3, 12, 9, tzinfo=dt.UTC)


# Hugo and Jekyll front matter


def test_hugo_front_matter() -> None:
    found = read(
        '---\ntitle: "Hugo post"\ndate: "2016-06-03T13:21:02-07:00"\nlastmod: 2016-06-04\n'
        "description: From Hugo\ntags: [Japan]\ncategories: [Politics, Japan]\n---\n\nBody.\n"
    )
    assert found.date == dt.datetime(2016, 6, 3, 20, 21, 2, tzinfo=dt.UTC)
    assert found.updated == dt.datetime(2016, 6, 4, tzinfo=UTC)
    assert found.summary == "From Hugo"
    assert found.tags == ("Japan", "Politics")


def test_jekyll_front_matter() -> None:
    found = read(
        "---\nlayout: post\ntitle: Jekyll post\ndate: 2016-06-03 13:21:02 -0700\n"
        "categories: [News, Politics]\n---\n\nBody.\n"
    )
    assert found.date.isoformat() == "2016-06-03T13:21:02-07:00"
    assert found.url == "2016/06/03/jekyll-post/"
    assert found.tags == ("News", "Politics")
    assert dict(found.extra) == {"layout": "post"}


def test_summary_and_updated_win_over_description_and_lastmod() -> None:
    found = read(
        article(
            "X",
            summary="Mine",
            description="Theirs",
            updated="2025-03-14T00:00:00Z",
            lastmod="2025-03-13T00:00:00Z",
        )
    )
    assert (found.summary, found.updated) == ("Mine", dt.datetime(2025, 3, 14, tzinfo=dt.UTC))


# tags


@pytest.mark.parametrize(
    ("written", "tags"),
    [
        ("[Japan, Trade]", ("Japan", "Trade")),
        ("Japan, Trade ,  Economy", ("Japan", "Trade", "Economy")),
        ("[Japan, japan, JAPAN, Trade]", ("Japan", "Trade")),
        ("['North   Korea', '']", ("North Korea",)),
        ("[2025, G7]", ("2025", "G7")),
        ("[]", ()),
    ],
)
def test_tags(written: str, tags: tuple[str, ...]) -> None:
    assert read(article("X", tags=written)).tags == tags


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("{a: 1}", "tags must be a list of names or a comma-separated string"),
        ("[[a]]", "tags must be a list of names or a comma-separated string"),
        ("[true]", "tags must be a list of names or a comma-separated string"),
        ("['!!!']", "tag '!!!' has no letters or digits to make a URL from"),
    ],
)
def test_bad_tags(written: str, message: str) -> None:
    assert problems(article("X", tags=written)) == [f"{PATH}:4: {message}"]


def test_unknown_keys_are_kept_in_extra() -> None:
    found = read(article("X", weight="5", images="[a.png]", id="x1"))
    assert dict(found.extra) == {"weight": 5, "images": ["a.png"]}


# summary


@pytest.mark.parametrize(
    ("body", "summary"),
    [
        ("First &amp; <em>best</em> line\nwraps.\n\nSecond.", "First & best line wraps."),
        ("# Heading\n\nA **bold** [link](https://e.org/) &lt;tag&gt;.", "A bold link <tag>."),
        ("AT&T buys &quot;Time&quot;", 'AT&T buys "Time"'),
        ("- only\n- a list", ""),
    ],
)
def test_summary_defaults_to_first_paragraph_text(body: str, summary: str) -> None:
    assert read(article("X", body=body)).summary == summary


# ids


def test_explicit_id_is_kept_without_warning() -> None:
    found, reported = parse(article("X", id="c0328efe-e65a-434f-b6b4-477161e2e67d"))
    assert reported == []
    assert found is not None
    assert (found.id, found.id_pinned, found.is_uuid) == (
        "c0328efe-e65a-434f-b6b4-477161e2e67d",
        True,
        True,
    )


def test_missing_id_is_derived_from_the_path_with_a_warning() -> None:
    found, reported = parse(article("X"))
    assert found is not None
    assert (found.id, found.id_pinned, found.is_uuid) == (derived_id(PATH), False, True)
    assert [str(p) for p in reported] == [
        f"{PATH}:1: warning: no 'id'; using {found.id}, add 'id: {found.id}' to pin it"
    ]
    again, _ = parse(article("Another title", date="2020-01-01"))
    other, _ = parse(article("X"), path="content/2025/03/y.md")
    assert again is not None and other is not None
    assert again.id == found.id != other.id


# sources


@pytest.mark.parametrize(
    ("written", "source"),
    [
        ("Reuters", Source("Reuters")),
        (
            "https://www.yna.co.kr/view/AKR1",
            Source("www.yna.co.kr", "https://www.yna.co.kr/view/AKR1"),
        ),
        ("{name: Yonhap, url: 'https://yna.co.kr/'}", Source("Yonhap", "https://yna.co.kr/")),
        ("{url: 'https://yna.co.kr/a'}", Source("yna.co.kr", "https://yna.co.kr/a")),
        ("{name: Yonhap}", Source("Yonhap")),
    ],
)
def test_source(written: str, source: Source) -> None:
    assert read(article("X", source=written)).source == source


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("[a, b]", "source must be a name, a URL, or a mapping with 'name' and 'url'"),
        ("{name: Y, link: x}", "source must be a name, a URL, or a mapping with 'name' and 'url'"),
        ("{}", "source must be a name, a URL, or a mapping with 'name' and 'url'"),
        ("{name: Y, url: 'ftp://x'}", "source url must be an http(s) URL, got 'ftp://x'"),
    ],
)
def test_bad_source(written: str, message: str) -> None:
    assert problems(article("X", source=written)) == [f"{PATH}:4: {message}"]


# slugs and urls


@pytest.mark.parametrize(
    ("title", "meta", "path", "slug"),
    [
        ("North Korea Fires Missiles", {}, PATH, "north-korea-fires-missiles"),
        ("X", {"slug": "My Custom Slug"}, PATH, "my-custom-slug"),
        ("東京の天気", {}, PATH, "東京の天気"),
        ("!!!", {}, "content/2025/03/breaking-news.md", "breaking-news"),
        ("!!!", {}, "content/2025/03/¿¡.md", derived_id("content/2025/03/¿¡.md")[:8]),
    ],
)
def test_slug(title: str, meta: dict[str, str], path: str, slug: str) -> None:
    found = read(article(title, **meta), path=path)
    assert found.slug == slug
    assert found.url == f"2025/03/12/{slug}/"


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("../../x", "slug must be one path segment without '/', '\\', '..', '%' or NUL: '../../x'"),
        ("a..b", "slug must be one path segment without '/', '\\', '..', '%' or NUL: 'a..b'"),
        ("'50%'", "slug must be one path segment without '/', '\\', '..', '%' or NUL: '50%'"),
        ("'!!!'", "slug '!!!' has no letters or digits"),
    ],
)
def test_bad_slug(slug: str, message: str) -> None:
    assert problems(article("X", slug=slug)) == [f"{PATH}:4: {message}"]


def test_url_uses_the_site_timezone() -> None:
    found = read(article("Late news", date="2025-03-12T23:30:00+00:00"), tz=ZoneInfo("Asia/Seoul"))
    assert found.url == "2025/03/13/late-news/"
    assert found.date == dt.datetime(2025, 3, 12, 23, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(("written", "draft"), [("true", True), ("false", False), (None, False)])
def test_draft(written: str | None, draft: bool) -> None:
    meta = {} if written is None else {"draft": written}
    assert read(article("X", **meta)).draft is draft


@pytest.mark.parametrize(("written", "shown"), [('"yes"', "'yes'"), ("1", "1"), ("[x]", "['x']")])
def test_draft_must_be_boolean(written: str, shown: str) -> None:
    assert problems(article("X", draft=written)) == [
        f"{PATH}:4: draft must be true or false, got {shown}"
    ]


# load_content


def test_every_broken_file_is_reported_in_one_run(make_site: SiteMaker) -> None:
    site = make_site(
        {
            "content/a-no-title.md": article("", body="x"),
            "content/b-bad-date.md": article("B", date="soon"),
            "content/c-no-front-matter.md": "Just text.\n",
            "content/d-bad-yaml.md": "---\ntitle: D\ntags: [a\n---\n",
            "content/e-good.md": article("E"),
        }
    )
    with pytest.raises(SiteError) as caught:
        load(site)
    assert [(p.path, p.line) for p in caught.value.problems] == [
        ("content/a-no-title.md", 1),
        ("content/b-bad-date.md", 3),
        ("content/c-no-front-matter.md", 1),
        ("content/d-bad-yaml.md", 3),
    ]


def test_non_utf8_file_is_reported(make_site: SiteMaker) -> None:
    site = make_site({"content/bad.md": b"---\ntitle: caf\xe9\n---\n"})
    with pytest.raises(SiteError) as caught:
        load(site)
    assert str(caught.value) == "content/bad.md: not UTF-8 text (byte 14)"


def test_hidden_files_are_skipped_and_other_files_are_assets(make_site: SiteMaker) -> None:
    site = make_site(
        {
            "content/2025/03/x.md": article("X", id="x"),
            "content/2025/03/map.svg": "<svg/>",
            "content/about.txt": "about",
            "content/.draft.md": "broken",
            "content/.DS_Store": b"\0",
            "content/2025/.notes/y.md": "broken",
        }
    )
    loaded = read_content(site, SiteConfig(), URLS)
    assert [a.path for a in loaded.articles] == ["content/2025/03/x.md"]
    assert loaded.assets == ("2025/03/map.svg", "about.txt")
    assert loaded.warnings == ()


def test_missing_id_is_a_warning_not_an_error(make_site: SiteMaker) -> None:
    loaded = read_content(make_site({"content/x.md": article("X")}), SiteConfig(), URLS)
    assert [a.title for a in loaded.articles] == ["X"]
    assert [(w.path, w.line) for w in loaded.warnings] == [("content/x.md", 1)]


def test_missing_content_folder(tmp_path: Path) -> None:
    with pytest.raises(SiteError) as caught:
        load(tmp_path)
    assert str(caught.value) == f"content: no content/ folder in {tmp_path}"


# links in article bodies


def test_links_in_bodies_are_resolved(make_site: SiteMaker) -> None:
    body = "![Map](map.svg) [about](/about/) [ext](https://e.org/a) [top](#top)"
    site = make_site({"content/2025/03/x.md": article("X", body=body)})
    [found] = load(site)
    assert found.body_html == (
        '<p><img alt="Map" src="/2025/03/map.svg"> <a href="/about/">about</a> '
        '<a href="https://e.org/a">ext</a> <a href="#top">top</a></p>'
    )


def test_links_get_the_base_path() -> None:
    body = "![Map](map.svg) [about](/about/) [ext](https://e.org/a)"
    found = read(article("X", body=body), renderer=MarkdownRenderer("/sub/"))
    assert found.body_html == (
        '<p><img alt="Map" src="/sub/2025/03/map.svg"> <a href="/sub/about/">about</a> '
        '<a href="https://e.org/a">ext</a></p>'
    )


@pytest.mark.parametrize(
    ("target", "folder", "base", "resolved"),
    [
        ("map.svg", "2025/03", "/", "/2025/03/map.svg"),
        ("./map.svg", "2025/03", "/sub/", "/sub/2025/03/map.svg"),
        ("../other/", "2025/03", "/", "/2025/other/"),
        ("map.svg", "", "/", "/map.svg"),
        ("/about/", "2025/03", "/sub/", "/sub/about/"),
        ("/", "", "/sub/", "/sub/"),
        ("../../../x.png", "2025/03", "/", "../../../x.png"),
        ("https://example.com/a", "2025/03", "/sub/", "https://example.com/a"),
        ("//cdn.example.com/a.js", "2025/03", "/sub/", "//cdn.example.com/a.js"),
        ("mailto:desk@example.org", "", "/sub/", "mailto:desk@example.org"),
        ("#fn:1", "2025/03", "/sub/", "#fn:1"),
        ("?page=2", "", "/sub/", "?page=2"),
        ("", "", "/", ""),
    ],
)
def test_resolve_link(target: str, folder: str, base: str, resolved: str) -> None:
    assert resolve_link(target, folder, base) == resolved
