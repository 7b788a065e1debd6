"""Standalone pages (About, Corrections): files under content/pages/ or of `layout: page`,
with no date, in the sitemap and the search index, in no list, feed, digest or archive."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import (
    TEST_CONFIG,
    SiteMaker,
    article,
    assert_same_as_cold,
    build_site,
    build_with_cli,
    edit,
    parse_feed,
    run_digest,
    tree,
)

from generator.serve.preview import LastBuild, preview

STORY = article("Story", id="s1", tags="[World]", body="See [who we are](/about/).")
PAGES = {
    "content/2025/story.md": STORY,
    "content/pages/about.md": "---\ntitle: About us\n---\n\nWe are a news desk.\n",
    "content/pages/legal/privacy.md": "---\ntitle: Privacy\nupdated: 2025-02-01\n---\n\nNone.\n",
    "content/pages/legal/index.md": "---\ntitle: Legal\n---\n\nThe fine print.\n",
    "content/2025/corrections.md": (
        "---\ntitle: Corrections\nlayout: page\nurl: /corrections/\n---\n\nNone yet.\n"
    ),
    "content/2025/masthead.md": "---\ntitle: Who is who\nlayout: page\n---\n\nThe desk.\n",
}
PAGE_FILES = {
    "about/index.html",
    "legal/privacy/index.html",
    "legal/index.html",
    "corrections/index.html",
    "masthead/index.html",
}


def test_pages_have_their_own_urls_and_no_article_chrome(make_site: SiteMaker) -> None:
    out = build_with_cli(make_site(PAGES))
    assert set(tree(out)) >= PAGE_FILES
    about = (out / "about/index.html").read_text()
    assert "<title>About us · Test Digest</title>" in about
    assert "<p>We are a news desk.</p>" in about
    assert '<article class="page">' in about
    for chrome in ("<time", 'class="tags"', "Related coverage", 'rel="prev"', "min read"):
        assert chrome not in about, chrome
    assert "application/ld+json" not in about  # not a NewsArticle
    # The Markdown link of an article to a page is a link to that page.
    story = (out / "2025/03/12/story/index.html").read_text()
    assert '<a href="/about/">who we are</a>' in story


def test_pages_are_in_the_sitemap_and_in_no_list_or_feed(make_site: SiteMaker) -> None:
    out = build_with_cli(make_site(PAGES))
    sitemap = (out / "sitemap.xml").read_text()
    assert "<url><loc>https://example.org/about/</loc></url>" in sitemap  # no date: no lastmod
    assert (
        "<loc>https://example.org/legal/privacy/</loc><lastmod>2025-02-01T00:00:00+00:00</lastmod>"
    ) in sitemap
    listing = [
        (out / f).read_text()
        for f in ("index.html", "tags/world/index.html", "archive/index.html", "digest/index.html")
    ]
    for html in listing:
        assert "About us" not in html and "Corrections" not in html
    assert not [f for f in tree(out) if f.startswith("archive/1970")]
    for feed in ("feed.xml", "atom.xml", "digest/feed.xml"):
        titles = [entry.title for entry in parse_feed(out / feed).entries]
        assert "About us" not in titles and "Who is who" not in titles
    json_feed = json.loads((out / "feed.json").read_text())
    assert [item["title"] for item in json_feed["items"]] == ["Story"]


def test_a_page_needs_no_date_and_no_id(make_site: SiteMaker) -> None:
    built = run_digest("build", "--site", make_site(PAGES))
    assert built.returncode == 0, built.stderr
    assert "built 1 article: " in built.stdout and "; 0 warnings" in built.stdout, built.stdout


def test_a_page_may_be_a_draft_expire_or_move(make_site: SiteMaker) -> None:
    site = make_site(
        {
            "content/pages/draft.md": "---\ntitle: Soon\ndraft: true\n---\n\nLater.\n",
            "content/pages/gone.md": "---\ntitle: Gone\nexpires: 2020-01-01\n---\n\nOld.\n",
            "content/pages/about.md": "---\ntitle: About\naliases: [/who/]\n---\n\nUs.\n",
        }
    )
    out = build_with_cli(site)
    assert "draft/index.html" not in tree(out)
    assert "gone/index.html" not in tree(out)
    assert 'content="0; url=/about/"' in (out / "who/index.html").read_text()
    build_with_cli(site, "--drafts", "--output", site / "drafts")
    assert "draft/index.html" in tree(site / "drafts")


def test_a_page_where_an_article_is_is_an_error_and_keeps_the_output(
    make_site: SiteMaker,
) -> None:
    site = make_site({"content/2025/story.md": STORY})
    out = build_with_cli(site)
    before = tree(out)
    clash = "---\ntitle: Clash\nurl: /2025/03/12/story/\n---\n\nSame place.\n"
    (site / "content/pages/clash.md").parent.mkdir(parents=True)
    (site / "content/pages/clash.md").write_text(clash)
    failed = run_digest("build", "--site", site)
    assert failed.returncode == 1
    assert "2025/03/12/story/index.html" in failed.stderr
    assert "content/pages/clash.md" in failed.stderr
    assert tree(out) == before


def test_a_bad_url_is_an_error_at_its_line(make_site: SiteMaker) -> None:
    bad = "---\ntitle: Bad\nurl: ../../etc/\n---\n\nText.\n"
    failed = run_digest("build", "--site", make_site({"content/pages/bad.md": bad}))
    assert failed.returncode == 1
    assert "content/pages/bad.md:3: url '../../etc/' must not contain '.', '..' or '//'" in (
        failed.stderr
    )


def test_an_article_may_give_its_own_url(make_site: SiteMaker) -> None:
    moved = article("Moved", id="m", url="/special/report/")
    out = build_with_cli(make_site({"content/2025/moved.md": moved}))
    assert "special/report/index.html" in tree(out)
    assert "https://example.org/special/report/" in (out / "feed.xml").read_text()


def test_pages_are_in_the_search_index(make_site: SiteMaker) -> None:
    config = TEST_CONFIG.replace("search: false\n", "")
    out = build_with_cli(make_site(PAGES, config=config))
    languages = json.loads((out / "pagefind/pagefind-entry.json").read_text())["languages"]
    assert languages["en"]["page_count"] == 1 + len(PAGE_FILES)
    assert "data-pagefind-body" in (out / "about/index.html").read_text()


def test_edits_of_pages_build_what_a_cold_build_makes(make_site: SiteMaker) -> None:
    site = make_site(PAGES)
    out = build_with_cli(site)
    edit(site, "content/pages/about.md", "a news desk", "the night desk")
    out = build_with_cli(site)
    assert "the night desk" in (out / "about/index.html").read_text()
    assert_same_as_cold(site, out)
    edit(site, "content/pages/about.md", "title: About us", "title: About\nurl: /us/")
    out = build_with_cli(site)
    assert "about/index.html" not in tree(out)
    assert_same_as_cold(site, out)
    (site / "content/pages/legal/privacy.md").unlink()
    assert_same_as_cold(site, build_with_cli(site))


def test_an_edited_page_takes_the_edit_path_and_serve_shows_it_first(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = make_site(PAGES), tmp_path / "out"
    first = build_site(site, out)
    assert first.site is not None and first.env is not None
    edit(site, "content/pages/about.md", "a news desk", "the night desk")
    shown = LastBuild(site, out, first.site, first.env)
    assert preview(shown, [site / "content/pages/about.md"]) == ["about/index.html"]
    assert "the night desk" in (out / "about/index.html").read_text()
    assert build_site(site, out).edited == {"content/pages/about.md"}
    assert_same_as_cold(site, out)
