"""Feeds as feed readers see them: parsed back with feedparser, ids, links, dates, order."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import (
    REPO,
    SiteMaker,
    article,
    assert_same_as_cold,
    build_with_cli,
    parse_feed,
    run_digest,
    sample_article_files,
    tree,
)

from generator.errors import SiteError
from generator.feeds.check import check_feed

CONFIG = (
    "title: Feed Test\ndescription: Testing feeds\nbase_url: https://example.org/news/\n"
    "timezone: UTC\nid_domain: example.org\nauthor: The Desk\n"
)


def sample_articles() -> list[dict[str, object]]:
    """Front matter of the sample articles, newest first."""
    metas = []
    for path in sample_article_files():
        meta = yaml.safe_load(path.read_text().split("---")[1])
        if "date" not in meta:  # dated by its file name
            meta["date"] = dt.datetime.fromisoformat(path.name[:10] + "T00:00:00+09:00")
        elif isinstance(meta["date"], str):
            meta["date"] = dt.datetime.strptime(meta["date"], "%Y-%m-%d %H:%M:%S %z")
        metas.append(meta)
    return sorted(metas, key=lambda m: m["date"], reverse=True)  # type: ignore[arg-type,return-value]


def test_every_sample_feed_parses_cleanly(sample: Path) -> None:
    feeds = sorted(sample.rglob("feed.xml")) + sorted(sample.rglob("atom.xml"))
    tags = (sample / "tags/index.html").read_text().count('class="count"')
    aliases = 1  # site.yaml's tag alias DPRK: its old feed goes on
    authors = (sample / "authors/index.html").read_text().count('class="count"')
    sections = (sample / "sections/index.html").read_text().count('class="count"')
    assert authors >= 2 and sections >= 2
    assert len(feeds) == 2 * (1 + tags + aliases + 1 + authors + sections)
    for path in feeds:
        assert parse_feed(path).entries, path
    parsed = json.loads((sample / "feed.json").read_text())
    assert parsed["version"] == "https://jsonfeed.org/version/1.1"


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_site_feed_ids_order_links_and_dates(sample: Path, name: str) -> None:
    feed = parse_feed(sample / name)
    expected = sample_articles()
    assert [e.title for e in feed.entries] == [m["title"] for m in expected]
    ids = [str(m["id"]) for m in expected]
    if name == "feed.xml":
        assert [e.id for e in feed.entries] == ids
        assert all(e.guidislink is False for e in feed.entries)
    else:
        assert [e.id for e in feed.entries] == [f"urn:uuid:{i}" for i in ids]
    published = [dt.datetime(*e.published_parsed[:6]) for e in feed.entries]
    assert published == sorted(published, reverse=True)
    for entry in feed.entries:  # the sample site's feeds carry whole articles
        assert entry.link.startswith("https://news.example.org/20")
        [content] = entry.content
        assert 'href="/' not in content.value and 'src="/' not in content.value
    assert feed.feed.link == "https://news.example.org/"
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [f"https://news.example.org/{name}"]


def test_rss_dates_carry_a_zone_and_last_build_is_the_newest_item(sample: Path) -> None:
    text = (sample / "feed.xml").read_text()
    feed = parse_feed(sample / "feed.xml")
    for entry in feed.entries:
        assert email.utils.parsedate_tz(entry.published)[9] is not None  # type: ignore[index]
    newest = max(
        (m.get("updated") or m["date"] for m in sample_articles()),  # type: ignore[type-var]
    )
    assert f"<lastBuildDate>{email.utils.format_datetime(newest)}</lastBuildDate>" in text


def test_json_feed_items(sample: Path) -> None:
    document = json.loads((sample / "feed.json").read_text())
    assert document["feed_url"] == "https://news.example.org/feed.json"
    items = document["items"]
    assert [i["id"] for i in items] == [str(m["id"]) for m in sample_articles()]
    for item in items:
        dt.datetime.fromisoformat(item["date_published"])
        assert item["url"].startswith("https://news.example.org/")
        assert item["content_html"].startswith("<")
    sourced = [i for i in items if "external_url" in i]
    assert sourced and all(i["external_url"].startswith("https://example.") for i in sourced)


def test_tag_feed_holds_only_that_tag(sample: Path) -> None:
    feed = parse_feed(sample / "tags/north-korea/feed.xml")
    assert feed.entries
    for entry in feed.entries:
        assert "North Korea" in [t.term for t in entry.tags]
    assert feed.feed.link == "https://news.example.org/tags/north-korea/"
    titles = [entry.title for entry in parse_feed(sample / "tags/東京/atom.xml").entries]
    assert titles == [
        "東京都が大規模な防災訓練、首都直下地震を想定",
        "Tokyo Hosts Regional Forum on Space Debris Monitoring",
    ]


def test_pages_announce_their_feeds(sample: Path) -> None:
    for page in sample.rglob("*.html"):
        html = page.read_text()
        if 'http-equiv="refresh"' in html:
            continue  # a redirect page
        assert 'type="application/rss+xml" title="Korea &amp; Region Briefing (RSS)"' in html
        assert 'href="/atom.xml"' in html and 'href="/feed.json"' in html
    tag_page = (sample / "tags/russia/index.html").read_text()
    assert '<link rel="alternate" type="application/atom+xml"' in tag_page
    assert 'href="/tags/russia/atom.xml">Atom</a>' in tag_page
    assert 'href="/feed.xml">RSS</a>' in (sample / "index.html").read_text()


def test_newest_first_whatever_the_file_order(make_site: SiteMaker) -> None:
    files = {
        f"content/{name}.md": article(name.title(), date=date, id=f"id-{name}")
        for name, date in [("a", "2025-01-03"), ("b", "2025-01-01"), ("c", "2025-01-02")]
    }
    out = build_with_cli(make_site(files, CONFIG))
    for name in ["feed.xml", "atom.xml"]:
        assert [e.title for e in parse_feed(out / name).entries] == ["A", "C", "B"]
    items = json.loads((out / "feed.json").read_text())["items"]
    assert [i["title"] for i in items] == ["A", "C", "B"]


def test_ids_survive_title_slug_permalink_and_base_url_changes(make_site: SiteMaker) -> None:
    site = make_site(
        {
            "content/a.md": article("First Title", id="story-one", tags="[x]"),
            "content/b.md": article("Other", id="0b7e8c55-3f7a-4e0d-b7a4-25c5c1a8e9d1"),
        },
        CONFIG,
    )

    def ids() -> dict[str, list[str]]:
        out = site / "output"
        return {
            name: sorted(e.id for e in parse_feed(out / name).entries)
            for name in ["feed.xml", "atom.xml"]
        }

    build_with_cli(site)
    before = ids()
    assert before["atom.xml"] == [
        "tag:example.org,2000-01-01:story-one",
        "urn:uuid:0b7e8c55-3f7a-4e0d-b7a4-25c5c1a8e9d1",
    ]
    (site / "content/a.md").write_text(article("A New Title", id="story-one", slug="moved"))
    (site / "site.yaml").write_text(CONFIG + "permalink: /{year}/{slug}/\n")
    build_with_cli(site, "--base-url", "https://elsewhere.example.net/")
    assert ids() == before
    assert_same_as_cold(site, site / "output", base_url="https://elsewhere.example.net/")
    links = [e.link for e in parse_feed(site / "output/feed.xml").entries]
    assert "https://elsewhere.example.net/2025/moved/" in links


HOSTILE = "Ctrl\x01\x08\x0b\x1f chars ]]> <script>alert(1)</script> & café 東京 \U0001f600"


def test_hostile_text_stays_well_formed(make_site: SiteMaker) -> None:
    body = f"{HOSTILE}\n\n<b>]]></b> <![CDATA[ x ]]>\n"
    meta = {"title": HOSTILE, "date": "2025-03-12", "id": "h1", "tags": [HOSTILE]}
    meta |= {"author": HOSTILE, "summary": HOSTILE}
    front = yaml.safe_dump(meta, allow_unicode=True)
    site = make_site({"content/a.md": f"---\n{front}---\n\n{body}"}, CONFIG)
    out = build_with_cli(site)
    clean = "Ctrl chars ]]> <script>alert(1)</script> & café 東京 \U0001f600"
    for name in ["feed.xml", "atom.xml"]:
        entry = parse_feed(out / name).entries[0]
        assert entry.title == clean
        assert entry.author == clean
    assert "<script>" not in (out / "feed.xml").read_text()
    page = (out / "2025/03/12/ctrl-chars-script-alert-1-script-café-東京/index.html").read_text()
    assert "\x01" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert json.loads((out / "feed.json").read_text())["items"][0]["title"] == clean


def test_empty_site_publishes_valid_empty_feeds(make_site: SiteMaker) -> None:
    out = build_with_cli(make_site({}, CONFIG))
    for name in ["feed.xml", "atom.xml"]:
        feed = parse_feed(out / name)
        assert feed.entries == []
        assert feed.feed.title == "Feed Test"
    assert json.loads((out / "feed.json").read_text())["items"] == []


def test_feed_items_limit_and_summary_only(make_site: SiteMaker) -> None:
    files = {
        f"content/{n}.md": article(f"Story {n}", date=f"2025-01-{n:02d}", id=f"s{n}")
        for n in range(1, 8)
    }
    out = build_with_cli(make_site(files, CONFIG + "feed_items: 3\nfeed_content: summary\n"))
    feed = parse_feed(out / "feed.xml")
    assert [e.title for e in feed.entries] == ["Story 7", "Story 6", "Story 5"]
    assert "content" not in feed.entries[0]
    assert "<content:encoded>" not in (out / "feed.xml").read_text()
    assert "content_html" not in json.loads((out / "feed.json").read_text())["items"][0]
    full = build_with_cli(make_site(files, CONFIG))
    assert parse_feed(full / "feed.xml").entries[0].content[0].value == "<p>Body text.</p>"


def test_source_and_author_in_each_format(make_site: SiteMaker) -> None:
    meta = {
        "id": "s",
        "author": "Ana Ruiz",
        "source": "{name: Wire, url: https://wire.example.net/1}",
    }
    out = build_with_cli(make_site({"content/a.md": article("Sourced", **meta)}, CONFIG))
    rss = parse_feed(out / "feed.xml").entries[0]
    assert rss.source.href == "https://wire.example.net/1" and rss.source.title == "Wire"
    assert rss.author == "Ana Ruiz"
    atom = parse_feed(out / "atom.xml").entries[0]
    assert [link.href for link in atom.links if link.rel == "via"] == ["https://wire.example.net/1"]
    assert atom.author_detail.name == "Ana Ruiz"
    assert atom.author_detail.href == "https://example.org/news/authors/ana-ruiz/"
    item = json.loads((out / "feed.json").read_text())["items"][0]
    assert item["external_url"] == "https://wire.example.net/1"
    assert item["authors"] == [
        {"name": "Ana Ruiz", "url": "https://example.org/news/authors/ana-ruiz/"}
    ]


def test_rebuilt_feeds_are_byte_identical(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"content/a.md": article("A", id="a", tags="[x]")}, CONFIG)
    build_with_cli(site, "--output", tmp_path / "one")
    build_with_cli(site, "--output", tmp_path / "two")  # its article from the cache
    built = assert_same_as_cold(site, tmp_path / "one")
    assert {"feed.xml", "atom.xml", "feed.json", "tags/x/feed.xml"} <= built.keys()
    assert tree(tmp_path / "two") == built


def test_missing_id_warns_and_duplicate_id_fails(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("A")}, CONFIG)
    result = run_digest("build", "--site", site)
    assert result.returncode == 0
    assert "content/a.md:1: warning: no 'id'; using " in result.stderr
    (site / "content/b.md").write_text(article("B", id="same"))
    (site / "content/c.md").write_text(article("C", id="same"))
    result = run_digest("build", "--site", site)
    assert result.returncode == 1
    assert "content/b.md: id same is also used by content/c.md" in result.stderr


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("rss", b"<rss><channel><title>t</title>"),
        ("rss", b"<rss><channel><title>t</title><link>l</link></channel></rss>"),
        ("atom", b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>'),
        ("json", b'{"version": "https://jsonfeed.org/version/1.1", "title": "t"}'),
    ],
)
def test_a_malformed_feed_stops_the_build(kind: str, data: bytes) -> None:
    with pytest.raises(SiteError, match=r"feed\.xml is not a valid feed"):
        check_feed(data, "feed.xml", "site feed", kind, 0)


def test_links_inside_items_are_absolute(make_site: SiteMaker) -> None:
    body = "See [the map](map.svg), [home](/) and a note.[^1]\n\n[^1]: A footnote.\n"
    out = build_with_cli(make_site({"content/x/a.md": article("Links", id="l", body=body)}, CONFIG))
    html = parse_feed(out / "atom.xml").entries[0].content[0].value
    page = "https://example.org/news/2025/03/12/links/"
    assert 'href="https://example.org/news/x/map.svg"' in html
    assert 'href="https://example.org/news/"' in html
    assert f'href="{page}#fn:1"' in html
    assert not re.search(r'(href|src)="(?!https://)', html)


GOLDEN_FEEDS = sorted(
    path
    for path in (REPO / "tests/golden").glob("*/expected/**/*.xml")
    if path.name in ("feed.xml", "atom.xml")
)


@pytest.mark.parametrize(
    "path", GOLDEN_FEEDS, ids=lambda p: str(p.relative_to(REPO / "tests/golden"))
)
def test_golden_feeds_parse_cleanly(path: Path) -> None:
    feed = parse_feed(path)
    assert feed.version in ("rss20", "atom10")
    assert feed.feed.title and feed.feed.link.startswith("https://")
    site = re.split(r"/(?:tags|authors|sections)/", feed.feed.link)[0]  # a list's feed
    for entry in feed.entries:
        assert entry.id and entry.link.startswith(site)
