"""Authors: bylines of one name or several, a page and feeds per author, the authors
index, what site.yaml says of them, and JSON-LD Person objects."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import (
    TEST_CONFIG,
    SiteMaker,
    article,
    assert_same_as_cold,
    build_with_cli,
    edit,
    mtimes,
    parse_feed,
    run_digest,
    tree,
)

CONFIG = (
    TEST_CONFIG.replace("https://example.org/", "https://example.org/news/")
    + "page_size: 1\n"
    + "authors:\n"
    + "  Kim Min-ji: {url: 'https://kim.example.net/', bio: Covers defense.}\n"
    + "  Lee Jun:\n"
)
FILES = {
    "content/a.md": article("Missiles", id="a", author="[Kim Min-ji, Lee Jun]"),
    "content/b.md": article("Talks", date="2025-03-13", id="b", author="Lee Jun"),
    "content/c.md": article("Drill", date="2025-03-14", id="c", authors="[kim min-ji]"),
    "content/d.md": article("Unsigned", date="2025-03-15", id="d"),
}


def json_ld(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/ld\+json">\n(.*)\n</script>', html)
    assert found is not None
    data: dict[str, object] = json.loads(found[1])
    return data


def test_each_author_has_pages_feeds_and_a_place_in_the_index(make_site: SiteMaker) -> None:
    out = build_with_cli(make_site(FILES, CONFIG))
    files = set(tree(out))
    # Case-only differences are one author, shown as most used (ties: the first sorted).
    assert {"authors/kim-min-ji/index.html", "authors/kim-min-ji/page/2/index.html"} <= files
    assert {"authors/lee-jun/index.html", "authors/lee-jun/page/2/index.html"} <= files
    kim = (out / "authors/kim-min-ji/index.html").read_text()
    assert "<h1>Kim Min-ji</h1>" in kim
    assert '<p class="lede">Covers defense. 2 articles. ' in kim
    assert '<a href="https://kim.example.net/" rel="me">Elsewhere</a>' in kim
    assert 'href="/news/authors/kim-min-ji/atom.xml"' in kim
    index = (out / "authors/index.html").read_text()
    names = re.findall(r'<a href="/news/authors/[^"]+/">([^<]+)</a>', index)
    assert names == ["Kim Min-ji", "Lee Jun"]
    assert "<p>Covers defense.</p>" in index
    for kind in ("feed.xml", "atom.xml"):
        titles = [e.title for e in parse_feed(out / "authors/lee-jun" / kind).entries]
        assert titles == ["Talks", "Missiles"]
    opml = (out / "feeds.opml").read_text()
    assert '<outline text="Authors" title="Authors">' in opml
    assert "https://example.org/news/authors/lee-jun/atom.xml" in opml


def test_bylines_link_each_name_on_articles_cards_feeds_and_json_ld(make_site: SiteMaker) -> None:
    out = build_with_cli(make_site(FILES, CONFIG))
    page = (out / "2025/03/12/missiles/index.html").read_text()
    byline = (
        'By <a href="/news/authors/kim-min-ji/" rel="author">Kim Min-ji</a>, '
        '<a href="/news/authors/lee-jun/" rel="author">Lee Jun</a>'
    )
    assert byline in page
    assert byline in (out / "page/4/index.html").read_text()  # the card on the home page
    assert json_ld(page)["author"] == [
        {
            "@type": "Person",
            "name": "Kim Min-ji",
            "url": "https://example.org/news/authors/kim-min-ji/",
            "sameAs": "https://kim.example.net/",
        },
        {"@type": "Person", "name": "Lee Jun", "url": "https://example.org/news/authors/lee-jun/"},
    ]
    unsigned = (out / "2025/03/15/unsigned/index.html").read_text()
    assert "By " not in unsigned
    assert json_ld(unsigned)["author"] == {"@type": "Organization", "name": "Test Digest"}
    entry = parse_feed(out / "atom.xml").entries[-1]
    assert [a.name for a in entry.authors] == ["Kim Min-ji", "Lee Jun"]
    rss = (out / "feed.xml").read_text()
    assert "<dc:creator>Kim Min-ji</dc:creator>\n      <dc:creator>Lee Jun</dc:creator>" in rss
    item = json.loads((out / "feed.json").read_text())["items"][-1]
    assert [a["name"] for a in item["authors"]] == ["Kim Min-ji", "Lee Jun"]


def test_a_site_without_authors_has_no_author_pages(make_site: SiteMaker) -> None:
    out = build_with_cli(make_site({"content/d.md": FILES["content/d.md"]}))
    assert not [file for file in tree(out) if file.startswith("authors/")]
    assert "Authors" not in (out / "feeds.opml").read_text()


def test_names_that_make_the_same_url_are_an_error(make_site: SiteMaker) -> None:
    files = {
        "content/a.md": article("A", id="a", author="Lee Jun"),
        "content/b.md": article("B", id="b", author="Lee-Jun"),
        "content/c.md": article("C", id="c", author="'!!!'"),
    }
    site = make_site(files)
    failed = run_digest("build", "--site", site)
    assert failed.returncode == 1
    assert "content/c.md:5: name '!!!' has no letters or digits to make a URL from" in (
        failed.stderr
    )
    (site / "content/c.md").unlink()
    failed = run_digest("build", "--site", site)
    assert failed.returncode == 1
    assert (
        "content/a.md: authors 'Lee Jun' and 'Lee-Jun' share the URL authors/lee-jun/ "
        "(in content/a.md, content/b.md)"
    ) in failed.stderr


def test_bad_authors_in_site_yaml_are_errors_at_their_line(make_site: SiteMaker) -> None:
    cases = {
        "authors: [Kim]\n": "site.yaml:5: authors must be dict, got list",
        "authors:\n  Kim: {email: k@x}\n": "site.yaml:5: author 'Kim' may have a url and a bio",
        "authors:\n  Kim: {url: kim.example}\n": "site.yaml:5: the url of author 'Kim' must be "
        "an absolute http(s) URL, got 'kim.example'",
    }
    site = make_site(FILES)
    for setting, message in cases.items():
        (site / "site.yaml").write_text(TEST_CONFIG + setting)
        failed = run_digest("build", "--site", site)
        assert failed.returncode == 1, setting
        assert message in failed.stderr, failed.stderr


def test_edits_of_bios_and_bylines_build_what_a_cold_build_makes(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site(FILES, CONFIG)
    out = build_with_cli(site)
    edit(site, "site.yaml", "Covers defense.", "Covers the peninsula.")
    out = build_with_cli(site)
    assert "Covers the peninsula." in (out / "authors/kim-min-ji/index.html").read_text()
    assert_same_as_cold(site, out)
    edit(site, "content/b.md", "author: Lee Jun", "author: [Lee Jun, Park Ha-na]")
    out = build_with_cli(site)
    assert "authors/park-ha-na/index.html" in tree(out)
    assert_same_as_cold(site, out)
    # An edit to the text of an article leaves alone the pages of other authors.
    before = mtimes(out)
    edit(site, "content/c.md", "Body text.", "New text.")
    out = build_with_cli(site)
    after = mtimes(out)
    assert after["authors/park-ha-na/index.html"] == before["authors/park-ha-na/index.html"]
    assert after["2025/03/14/drill/index.html"] != before["2025/03/14/drill/index.html"]
    assert_same_as_cold(site, out)


def test_an_author_is_named_as_site_yaml_spells_them(make_site: SiteMaker) -> None:
    files = {"content/a.md": article("A", id="a", author="kim min-ji")}
    out = build_with_cli(make_site(files, CONFIG))
    assert "<h1>Kim Min-ji</h1>" in (out / "authors/kim-min-ji/index.html").read_text()
    # The byline keeps the article's own spelling.
    assert ">kim min-ji</a>" in (out / "2025/03/12/a/index.html").read_text()
