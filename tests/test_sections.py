"""Sections: `categories` (or `section`) kept apart from tags on a site with
`sections: true`, with a page and feeds each; without it, they are tags as ever."""

from __future__ import annotations

import json
import re

from conftest import (
    TEST_CONFIG,
    SiteMaker,
    article,
    assert_same_as_cold,
    build_with_cli,
    edit,
    parse_feed,
    run_digest,
    tree,
)

CONFIG = TEST_CONFIG + "sections: true\n"
FILES = {
    "content/a.md": article("Budget", id="a", tags="[Council]", categories="[Politics]"),
    "content/b.md": article("Derby", date="2025-03-13", id="b", section="Sport", tags="[Town]"),
    "content/c.md": article("Vote", date="2025-03-14", id="c", categories="politics world"),
}


def test_sections_have_pages_feeds_and_an_index_apart_from_tags(make_site: SiteMaker) -> None:
    out = build_with_cli(make_site(FILES, CONFIG))
    files = set(tree(out))
    assert {"sections/index.html", "sections/politics/index.html", "sections/sport/index.html"} <= (
        files
    )
    assert "sections/world/index.html" in files  # Jekyll's spaced categories: two sections
    assert not [f for f in files if f.startswith(("tags/politics/", "tags/sport/"))]
    politics = (out / "sections/politics/index.html").read_text()
    assert "<h1>Politics</h1>" in politics
    assert re.findall(r'<h2><a href="/[^"]+">([^<]+)</a></h2>', politics) == ["Vote", "Budget"]
    index = (out / "sections/index.html").read_text()
    assert re.findall(r'<a href="/sections/[^"]+/">([^<]+)</a>', index) == [
        "Politics",
        "Sport",
        "world",
    ]
    for kind in ("feed.xml", "atom.xml"):
        assert [e.title for e in parse_feed(out / "sections/politics" / kind).entries] == [
            "Vote",
            "Budget",
        ]
    assert '<outline text="Sections" title="Sections">' in (out / "feeds.opml").read_text()


def test_an_article_shows_its_section_above_the_headline(make_site: SiteMaker) -> None:
    out = build_with_cli(make_site(FILES, CONFIG))
    page = (out / "2025/03/12/budget/index.html").read_text()
    kicker = '<p class="kicker"><a href="/sections/politics/">Politics</a></p>\n    <h1>Budget</h1>'
    assert kicker in page
    found = re.search(r'<script type="application/ld\+json">\n(.*)\n</script>', page)
    assert found is not None
    assert json.loads(found[1])["articleSection"] == ["Politics"]
    assert '<meta property="article:tag" content="Council">' in page
    assert 'content="Politics"' not in page  # not a tag


def test_without_sections_categories_are_tags(make_site: SiteMaker) -> None:
    out = build_with_cli(make_site(FILES))
    files = set(tree(out))
    assert not [f for f in files if f.startswith("sections/")]
    assert {"tags/politics/index.html", "tags/sport/index.html", "tags/world/index.html"} <= files
    assert 'class="kicker"' not in (out / "2025/03/12/budget/index.html").read_text()


def test_a_section_without_letters_is_an_error_at_its_line(make_site: SiteMaker) -> None:
    files = {"content/a.md": article("A", id="a", section="'%%'")}
    failed = run_digest("build", "--site", make_site(files, CONFIG))
    assert failed.returncode == 1
    assert "content/a.md:5: tag '%%' has no letters or digits" in failed.stderr


def test_moving_an_article_between_sections_builds_what_a_cold_build_makes(
    make_site: SiteMaker,
) -> None:
    site = make_site(FILES, CONFIG)
    build_with_cli(site)
    edit(site, "content/b.md", "section: Sport", "section: Politics")
    out = build_with_cli(site)
    assert "sections/sport/index.html" not in tree(out)
    assert_same_as_cold(site, out)
    edit(site, "site.yaml", "sections: true", "sections: false")
    out = build_with_cli(site)
    assert "tags/politics/index.html" in tree(out)
    assert_same_as_cold(site, out)


def test_two_sections_of_one_url_in_an_article_are_an_error(make_site: SiteMaker) -> None:
    files = {"content/a.md": article("A", id="a", categories="[Sport, sport!]")}
    failed = run_digest("build", "--site", make_site(files, CONFIG))
    assert failed.returncode == 1
    assert "content/a.md:5: sections 'Sport' and 'sport!' make the same URL (sections/sport/)" in (
        failed.stderr
    )
