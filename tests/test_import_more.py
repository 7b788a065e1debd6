"""`digest import` of what issue 18 found it refused or mangled: feed entries without
a title, JSON Feeds, URLs, and relative links in an entry's content.

Each feed here is a real file parsed by the real command line in a subprocess;
the built site is checked too, so an imported article is one that builds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SiteMaker, build_with_cli, run_digest
from test_import import content_files, imported, read_article, run_import, write_input

DERIVED = "(title made from its text)"
COMMENT = "# title made from the entry's text"
LONG_POST = (
    "Spent the morning at the harbour watching the ferries come in from the islands "
    "while the fog lifted slowly over the water"
)
MICROBLOG = f"""\
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Mia's microblog</title>
    <link>https://mia.example.net/</link>
    <item>
      <link>https://mia.example.net/2025/03/12/ferries.html</link>
      <guid>https://mia.example.net/2025/03/12/ferries.html</guid>
      <pubDate>Wed, 12 Mar 2025 08:00:00 +0000</pubDate>
      <description>&lt;p&gt;{LONG_POST}.&lt;/p&gt;</description>
    </item>
    <item>
      <link>https://mia.example.net/2025/03/11/tea.html</link>
      <pubDate>Tue, 11 Mar 2025 08:00:00 +0000</pubDate>
      <description>&lt;p&gt;New tea shop on &lt;b&gt;Elm&lt;/b&gt; Street!&lt;/p&gt;
        &lt;p&gt;Try the oolong.&lt;/p&gt;</description>
    </item>
    <item>
      <guid isPermaLink="false">empty-1</guid>
      <description>&lt;p&gt; &lt;/p&gt;</description>
    </item>
  </channel>
</rss>
"""


def site_checks_clean(site: Path) -> None:
    """The site builds, and neither the build nor `digest check --strict` warns."""
    build = run_digest("build", "--site", site)
    assert build.returncode == 0, build.stderr
    assert "unknown field" not in build.stderr and "warning" not in build.stderr.lower()
    check = run_digest("check", "--strict", "--site", site)
    assert check.returncode == 0, check.stdout + check.stderr


# Entries without a title ----------------------------------------------------------


def test_titles_made_from_text() -> None:
    from generator.intake.entrytext import title_from_text

    assert title_from_text("New tea shop on Elm Street! Try the oolong.") == (
        "New tea shop on Elm Street!"
    )
    made = title_from_text(LONG_POST + ".")
    assert made == "Spent the morning at the harbour watching the ferries come in from the\u2026"
    assert len(made) <= 71 and LONG_POST.startswith(made[:-1])
    assert title_from_text("  Short   note ") == "Short note"
    assert title_from_text("x" * 90) == "x" * 70 + "\u2026"
    assert title_from_text("Rates, rents and wages: " + "a " * 40).endswith("a a\u2026")


def test_entries_without_a_title_get_one_from_their_text(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site()
    feed = write_input(tmp_path, "mia.rss", MICROBLOG)
    result = run_digest("import", "--site", site, feed)
    assert result.returncode == 1  # the third entry has no text at all
    files = imported(result.stdout)
    assert sorted(files) == ["mia.rss#1", "mia.rss#2"]
    for source in files:
        assert re.search(
            rf"^imported \S+{source} -> \S+ {re.escape(DERIVED)}$", result.stdout, re.M
        )
    assert result.stderr.strip() == (
        f"refused {feed}#3: the entry has no title, and no text to make one from"
    )

    meta, head, body = read_article(site / files["mia.rss#1"])
    assert (
        meta["title"]
        == "Spent the morning at the harbour watching the ferries come in from the\u2026"
    )
    assert head.startswith(f"{COMMENT}\ntitle: ")  # a person sees it, the reader skips it
    assert str(meta["summary"]).startswith("Spent the morning") and "<p>" in body
    meta, head, _ = read_article(site / files["mia.rss#2"])
    assert meta["title"] == "New tea shop on Elm Street!"
    assert meta["summary"] == "New tea shop on Elm Street! Try the oolong."
    assert files["mia.rss#2"] == "content/2025/03/new-tea-shop-on-elm-street.md"
    assert set(meta) == {"title", "date", "id", "source", "summary"}

    site_checks_clean(site)
    page = site / "output/2025/03/11/new-tea-shop-on-elm-street/index.html"
    assert "New tea shop on Elm Street!" in page.read_text(encoding="utf-8")
    assert "skipped" in run_import(site, feed, code=1)


def test_an_atom_entry_without_a_title_uses_its_content(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site()
    atom = """\
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <title>Notes</title><id>tag:notes.example.org,2025:feed</id>
          <updated>2025-03-10T12:00:00Z</updated>
          <entry>
            <id>tag:notes.example.org,2025:1</id><updated>2025-03-10T12:00:00Z</updated>
            <content type="html">&lt;h2&gt;Ferry times&lt;/h2&gt;
              &lt;p&gt;Changed from Monday.&lt;/p&gt;</content>
          </entry>
        </feed>
        """
    feed = write_input(tmp_path, "notes.atom", atom)
    output = run_import(site, feed)
    file = imported(output)["notes.atom#1"]
    assert f"-> {file} {DERIVED}" in output
    assert read_article(site / file)[0]["title"] == "Ferry times Changed from Monday."
    site_checks_clean(site)


def test_indented_html_content_stays_html(make_site: SiteMaker, tmp_path: Path) -> None:
    """Feeds indent their HTML; an indented line after a closed block is not Markdown code."""
    site = make_site()
    rss = """\
        <rss version="2.0"><channel><title>Pretty</title><link>https://p.example.org/</link>
        <item><title>Indented</title><link>https://p.example.org/i</link>
        <pubDate>Mon, 10 Mar 2025 10:00:00 GMT</pubDate>
        <description><![CDATA[<h2>Heading</h2>
            <p>First *paragraph*.</p>

            <p>Second.</p>]]></description>
        </item></channel></rss>
        """
    run_import(site, write_input(tmp_path, "pretty.rss", rss))
    page = build_with_cli(site) / "2025/03/10/indented/index.html"
    html = page.read_text(encoding="utf-8")
    assert "<p>First *paragraph*.</p>" in html and "<p>Second.</p>" in html
    assert "<pre>" not in html and "&lt;p&gt;" not in html


# JSON Feed --------------------------------------------------------------------------

JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Harbour Daily",
    "home_page_url": "https://harbour.example.com/",
    "feed_url": "https://harbour.example.com/feed.json",
    "authors": [{"name": "The Desk"}],
    "items": [
        {
            "id": "hd-2025-031",
            "url": "https://harbour.example.com/2025/03/ferries/",
            "title": "Ferry fares rise in April",
            "summary": "Fares go up by 5% & season tickets by 3%.",
            "content_html": '<p>Fares rise <a href="../fares/">as announced</a>.</p>'
            '<img src="chart.png" alt="Chart"><script>alert("json")</script>'
            '<p onclick="x()">More <a href="javascript:alert(1)">here</a>.</p>',
            "date_published": "2025-03-12T09:15:00+09:00",
            "date_modified": "2025-03-12T12:00:00+09:00",
            "tags": ["Transport", "Prices"],
            "authors": [{"name": "Ana Ruiz"}, {"name": "Ben Cho"}],
        },
        {
            "id": 42,
            "url": "https://harbour.example.com/2025/03/fog/",
            "content_text": "Fog closed the port for two hours. Ships waited outside."
            "\n\nIt lifted by noon.",
            "date_modified": "2025-03-11T07:00:00Z",
        },
        {"id": "bad-date", "title": "Bad date", "content_text": "x", "date_published": "soon"},
        "not an item",
    ],
}


def test_a_json_feed_imports_one_article_per_item(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site()
    feed = write_input(tmp_path, "harbour.json", json.dumps(JSON_FEED, ensure_ascii=False))
    result = run_digest("import", "--site", site, feed)
    assert result.returncode == 1
    files = imported(result.stdout)
    assert sorted(files) == ["harbour.json#1", "harbour.json#2"]
    assert result.stderr.splitlines() == [
        f"refused {feed}#3: date_published 'soon' is not a date "
        "(RFC 3339, such as 2025-03-12T09:15:00Z)",
        f"refused {feed}#4: the item is not a JSON object",
    ]

    meta, head, body = read_article(site / files["harbour.json#1"])
    assert files["harbour.json#1"] == "content/2025/03/ferry-fares-rise-in-april.md"
    assert meta["title"] == "Ferry fares rise in April" and COMMENT not in head
    assert meta["id"] == "hd-2025-031"
    assert "date: 2025-03-12T00:15:00+00:00" in head
    assert "updated: 2025-03-12T03:00:00+00:00" in head
    assert meta["tags"] == ["Transport", "Prices"]
    assert meta["authors"] == ["Ana Ruiz", "Ben Cho"]
    assert meta["summary"] == "Fares go up by 5% & season tickets by 3%."
    assert meta["source"] == {
        "name": "Harbour Daily",
        "url": "https://harbour.example.com/2025/03/ferries/",
    }
    assert 'href="https://harbour.example.com/2025/03/fares/"' in body
    assert 'src="https://harbour.example.com/2025/03/ferries/chart.png"' in body
    for gone in ("<script", "alert(", "onclick", "javascript:"):
        assert gone not in body

    meta, head, body = read_article(site / files["harbour.json#2"])
    assert meta["id"] == "42"
    assert meta["title"] == "Fog closed the port for two hours."
    assert f"-> {files['harbour.json#2']} {DERIVED}" in result.stdout
    assert head.startswith(COMMENT) and "date: 2025-03-11T07:00:00+00:00" in head
    assert meta["author"] == "The Desk"  # the feed's authors, as the item has none
    assert "<p>Fog closed the port for two hours. Ships waited outside.</p>" in body
    assert "<p>It lifted by noon.</p>" in body

    site_checks_clean(site)
    assert "skipped" in run_import(site, feed, code=1)


def test_a_json_feed_version_1_is_found_by_its_content(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site()
    document = {
        "version": "https://jsonfeed.org/version/1",
        "title": "Old Style",
        "author": {"name": "Kai"},
        "items": [{"id": "1", "title": "First", "content_html": "<p>Hello</p>"}],
    }
    feed = write_input(tmp_path, "export.txt", "\ufeff" + json.dumps(document))
    output = run_import(site, feed)
    meta, _, body = read_article(site / imported(output)["export.txt#1"])
    assert (meta["title"], meta["author"], meta["source"]) == ("First", "Kai", "Old Style")
    assert body.strip() == "<p>Hello</p>"
    assert "no date in the entry" in output


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("data.json", '{"name": "not a feed", "items": []}', "JSON, but not a JSON Feed"),
        ("list.json", "[1, 2]", "JSON, but not a JSON Feed"),
        ("old.json", '{"version": "1.0", "items": []}', "JSON, but not a JSON Feed"),
        (
            "broken.json",
            '{"version": "https://jsonfeed.org/version/1.1",\n"items": [}',
            "not valid JSON (line 2, column 11",
        ),
        (
            "items.txt",
            '{"version": "https://jsonfeed.org/version/1.1", "items": 3}',
            'not a usable JSON Feed: "items" is not a list',
        ),
    ],
)
def test_json_that_is_not_a_json_feed_is_refused(
    make_site: SiteMaker, tmp_path: Path, name: str, data: str, reason: str
) -> None:
    site = make_site()
    path = write_input(tmp_path, name, data)
    result = run_digest("import", "--site", site, path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"refused {path}: {reason}")
    assert content_files(site) == set()


def test_a_text_article_that_starts_with_a_brace_is_still_text(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site()
    path = write_input(tmp_path, "brace.txt", "{Update} Talks resume\n\nThe lead.\n\nBody.\n")
    output = run_import(site, path)
    meta, _, _ = read_article(site / imported(output)["brace.txt"])
    assert meta["title"] == "{Update} Talks resume"


# URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "download"),
    [
        ("https://news.example.com/feed.xml", "curl -o feed.xml https://news.example.com/feed.xml"),
        ("http://news.example.com/rss", "curl -o feed.xml http://news.example.com/rss"),
        ("feed://news.example.com/rss", "curl -o feed.xml http://news.example.com/rss"),
        (
            "feed:https://news.example.com/f.json",
            "curl -o feed.json https://news.example.com/f.json",
        ),
    ],
)
def test_a_url_is_refused_with_how_to_download_it(
    make_site: SiteMaker, url: str, download: str
) -> None:
    site = make_site()
    result = run_digest("import", "--site", site, url)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"refused {url}: a URL: digest import reads files; download it first (e.g. {download})"
    ]
    assert content_files(site) == set()


# Relative links in content -------------------------------------------------------------

RELATIVE_RSS = """\
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Field Notes</title>
    <link>https://notes.example.org/blog/</link>
    <item>
      <title>Photos from the coast</title>
      <link>https://notes.example.org/blog/2025/03/coast/</link>
      <pubDate>Mon, 10 Mar 2025 10:00:00 GMT</pubDate>
      <content:encoded><![CDATA[<p>See <a href="../hills/">the hills</a>, <a href="#map">the map</a>
and <a href="https://elsewhere.example.com/x">elsewhere</a>.</p>
<p><img src="cliff.jpg" srcset="cliff.jpg 1x, /img/cliff@2x.jpg 2x" alt="Cliff"></p>
<video src="waves.mp4" poster="waves.jpg" controls></video>]]></content:encoded>
    </item>
    <item>
      <title>A page of the blog</title>
      <link>/blog/about/</link>
      <description>&lt;p&gt;&lt;a href="contact/"&gt;Write&lt;/a&gt;&lt;/p&gt;</description>
    </item>
    <item>
      <title>No link at all</title>
      <guid isPermaLink="false">nolink</guid>
      <description>&lt;img src="logo.png" alt="Logo"&gt;</description>
    </item>
  </channel>
</rss>
"""
RELATIVE_ATOM = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://cdn.example.org/desk/">
  <title>Desk</title><id>tag:desk,2025</id><updated>2025-03-10T12:00:00Z</updated>
  <link href="https://desk.example.org/"/>
  <entry>
    <title>Based</title><id>tag:desk,2025:1</id><updated>2025-03-10T12:00:00Z</updated>
    <link href="https://desk.example.org/2025/based"/>
    <content type="html">&lt;a href="story.html"&gt;s&lt;/a&gt;
      &lt;img src="i.png" srcset="i.png 1x, i2.png 2x"&gt;</content>
  </entry>
</feed>
"""


def test_relative_links_in_content_point_where_they_did(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site()
    rss = write_input(tmp_path, "notes.rss", RELATIVE_RSS)
    atom = write_input(tmp_path, "desk.atom", RELATIVE_ATOM)
    files = imported(run_import(site, rss, atom))

    meta, _, body = read_article(site / files["notes.rss#1"])
    assert 'href="https://notes.example.org/blog/2025/03/hills/"' in body
    assert 'href="#map"' in body and 'href="https://elsewhere.example.com/x"' in body
    assert 'src="https://notes.example.org/blog/2025/03/coast/cliff.jpg"' in body
    srcset = "https://notes.example.org/blog/2025/03/coast/cliff.jpg 1x, "
    assert f'srcset="{srcset}https://notes.example.org/img/cliff@2x.jpg 2x"' in body
    assert 'src="https://notes.example.org/blog/2025/03/coast/waves.mp4"' in body
    assert 'poster="https://notes.example.org/blog/2025/03/coast/waves.jpg"' in body

    # A relative entry link is resolved against the feed's, and the content against it.
    meta, _, body = read_article(site / files["notes.rss#2"])
    assert meta["source"] == {"name": "Field Notes", "url": "https://notes.example.org/blog/about/"}
    assert 'href="https://notes.example.org/blog/about/contact/"' in body
    # Without a link of its own, an entry's content is resolved against the feed's link.
    _, _, body = read_article(site / files["notes.rss#3"])
    assert 'src="https://notes.example.org/blog/logo.png"' in body

    # xml:base, which the feed says its content is relative to, wins over the entry's link.
    _, _, body = read_article(site / files["desk.atom#1"])
    assert 'href="https://cdn.example.org/desk/story.html"' in body
    assert (
        'srcset="https://cdn.example.org/desk/i.png 1x, https://cdn.example.org/desk/i2.png 2x"'
        in body
    )

    out = build_with_cli(site)
    page = (out / "2025/03/10/photos-from-the-coast/index.html").read_text(encoding="utf-8")
    assert 'src="https://notes.example.org/blog/2025/03/coast/cliff.jpg"' in page


# Limits ------------------------------------------------------------------------------------


def test_a_name_too_long_is_refused_and_the_rest_imported(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site()
    good = write_input(tmp_path, "story.txt", "Talks resume\n\nThe lead.\n\nBody.\n")
    long_name = tmp_path / ("a" * 300)
    result = run_digest("import", "--site", site, long_name, good)
    assert result.returncode == 1
    assert result.stderr == f"refused {long_name}: cannot read: File name too long\n"
    assert "story.txt" in imported(result.stdout)


def test_a_json_feed_may_be_longer_than_an_article(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site(config="title: T\nbase_url: https://e.org/\nmax_article_bytes: 2000\n")
    item = {"id": "long", "title": "Long", "content_text": "word " * 600}
    document = {"version": "https://jsonfeed.org/version/1.1", "items": [item]}
    feed = write_input(tmp_path, "feed.txt", json.dumps(document))
    text = write_input(tmp_path, "brace.txt", "{Long} story\n\nLead.\n\n" + "word " * 600)
    result = run_digest("import", "--site", site, feed, text)
    assert "feed.txt#1" in imported(result.stdout)
    size = text.stat().st_size
    assert f"refused {text}: file is {size:,} bytes, over the limit of 2,000" in result.stderr
