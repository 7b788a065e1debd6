"""Publishing for subscribers (issue 21): feeds.opml lists every feed for a reader to
follow as a set, `websub_hub` names a hub in every feed, and each digest feed item is
e-mail-safe HTML that RSS-to-email services can send as it is."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import listparser
import lxml.html
import pytest
from conftest import (
    REPO,
    SiteMaker,
    article,
    assert_same_as_cold,
    build_site,
    edit,
    environment,
    parse_feed,
    run_digest,
    write_files,
)
from lxml import etree

BASE = "https://example.org/news/"
CONFIG = f"title: Desk & Co\nbase_url: {BASE}\ntimezone: UTC\nsearch: false\n"
HUB = "https://hub.example.com/websub"
FILES = {
    "content/a.md": article(
        "Ports reopen", "2025-03-10T09:00:00Z", id="a", tags="[Asia, Trade]", source="Wire"
    ),
    "content/b.md": article(
        "Gas deal <signed>",
        "2025-03-11T09:00:00Z",
        id="b",
        tags="[Energy]",
        summary="A deal & a price.",
        source="{name: Herald, url: 'https://herald.example/x?a=1&b=2'}",
    ),
    "content/c.md": article("Untagged note", "2025-03-11T12:00:00Z", id="c"),
}
SCHEMA = REPO / "tests/e2e/jsonfeed-1.1.schema.json"


# websub_hub


def test_every_feed_names_the_websub_hub(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = make_site(FILES, CONFIG + f"websub_hub: {HUB}\n"), tmp_path / "out"
    build_site(site, out)
    feeds = [p for p in out.rglob("*") if p.name in ("feed.xml", "atom.xml")]
    assert len(feeds) == 2 * 5  # the site's, the digest's, and three tags'
    for path in feeds:
        parsed = parse_feed(path)
        links = {link.rel: link.href for link in parsed.feed.links}
        assert links["hub"] == HUB, path
        assert links["self"] == BASE + path.relative_to(out).as_posix(), path
    channel = etree.parse(out / "feed.xml").getroot().find("channel")
    atom_links = channel.findall("{http://www.w3.org/2005/Atom}link")
    assert [link.get("rel") for link in atom_links] == ["self", "hub"]
    document = json.loads((out / "feed.json").read_text())
    assert document["hubs"] == [{"type": "WebSub", "url": HUB}]
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    assert [error.message for error in validator.iter_errors(document)] == []


def test_without_a_hub_no_feed_names_one(make_site: SiteMaker, tmp_path: Path) -> None:
    build_site(make_site(FILES, CONFIG), tmp_path / "out")
    for path in (tmp_path / "out").rglob("*"):
        if path.suffix in (".xml", ".json"):
            assert b"hub" not in path.read_bytes(), path


def test_a_websub_hub_must_be_a_web_url(make_site: SiteMaker) -> None:
    site = make_site(FILES, CONFIG + "websub_hub: hub.example.com\n")
    built = run_digest("build", "--site", site)
    assert built.returncode != 0
    assert "site.yaml:5" in built.stderr and "websub_hub must be an absolute http(s) URL" in (
        built.stderr
    )


# Digests for e-mail


def digest_items_html(out: Path) -> list[str]:
    """The HTML of every item of the digest feed, RSS and Atom, as the feed holds it
    (feedparser would clean it first)."""
    rss = etree.parse(out / "digest/feed.xml").getroot()
    found = [e.text or "" for e in rss.iter("{http://purl.org/rss/1.0/modules/content/}encoded")]
    atom = etree.parse(out / "digest/atom.xml").getroot()
    return found + [e.text or "" for e in atom.iter("{http://www.w3.org/2005/Atom}content")]


def fragment(html: str) -> Any:
    """`html` parsed as the content of a <div>."""
    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_each_digest_item_is_email_safe_html(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = make_site(FILES, CONFIG), tmp_path / "out"
    build_site(site, out)
    items = digest_items_html(out)
    assert len(items) == 2 * 2  # two days, in two formats
    for html in items:
        root = fragment(html)
        elements = list(root.iter())
        names = {element.tag for element in elements}
        assert not names & {"script", "style", "form", "input", "link", "iframe", "img"}
        assert {"h2", "ul", "li", "a"} <= names
        for element in elements[1:]:
            assert "class" not in element.attrib, lxml.html.tostring(element)
            assert not [name for name in element.attrib if name.lower().startswith("on")]
            if element.tag in ("h2", "ul", "li", "a", "p", "span"):
                assert element.get("style"), lxml.html.tostring(element)
        for url in root.xpath("//@href | //@src | //@srcset"):
            assert url.startswith(("https://", "http://")), url
        assert "font-family: system-ui" in root[0].get("style")
    second_day = next(html for html in items if "Gas deal" in html)
    assert "Gas deal &lt;signed&gt;" in second_day and "Other news" in second_day
    assert 'href="https://herald.example/x?a=1&amp;b=2"' in second_day


def test_feed_readers_keep_the_digest_items_styles(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = make_site(FILES, CONFIG), tmp_path / "out"
    build_site(site, out)
    raw = digest_items_html(out)[0]
    cleaned = parse_feed(out / "digest/feed.xml").entries[0].content[0].value
    styles = [fragment(html).xpath("//@style") for html in (raw, cleaned)]
    assert styles[0] and styles[0] == styles[1]


def test_the_digest_page_keeps_the_theme_s_markup(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = make_site(FILES, CONFIG), tmp_path / "out"
    build_site(site, out)
    page = (out / "digest/2025-03-11/index.html").read_text()
    assert '<section class="digest-group">' in page and "style=" not in page


TUESDAY, WEDNESDAY = "Tuesday 11 March 2025", "Wednesday 12 March 2025"


@pytest.mark.parametrize(
    ("moment", "titles"),
    [
        # 22:00 on 12 March in New York: the day has ended in UTC, not in the site's zone.
        (dt.datetime(2025, 3, 13, 2, 0, tzinfo=dt.UTC), [TUESDAY]),
        (dt.datetime(2025, 3, 13, 4, 0, tzinfo=dt.UTC), [WEDNESDAY, TUESDAY]),  # midnight there
    ],
)
def test_a_day_not_ended_in_the_site_s_timezone_is_in_no_digest_feed(
    make_site: SiteMaker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    moment: dt.datetime,
    titles: list[str],
) -> None:
    files = {
        "content/old.md": article("Yesterday", "2025-03-11T12:00:00-04:00", id="old"),
        "content/noon.md": article("Noon", "2025-03-12T12:00:00-04:00", id="noon"),
    }
    site = make_site(files, CONFIG.replace("UTC", "America/New_York"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
    build_site(site, tmp_path / "out")
    for name in ("feed.xml", "atom.xml"):
        feed = parse_feed(tmp_path / "out/digest" / name)
        assert [entry.title for entry in feed.entries] == titles


# feeds.opml


def read_opml(out: Path) -> Any:
    """feeds.opml of `out`, which listparser must read without complaint."""
    parsed = listparser.parse((out / "feeds.opml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def local(url: str) -> str:
    """The output file of a URL of the site."""
    assert url.startswith(BASE), url
    path = url[len(BASE) :]
    return path + "index.html" if path == "" or path.endswith("/") else path


def test_feeds_opml_lists_every_feed_once_and_each_is_a_real_feed(make_site: SiteMaker) -> None:
    site = make_site(FILES, CONFIG + "tag_aliases: {Energy: Power}\n")
    built = run_digest("build", "--site", site)
    assert built.returncode == 0, built.stderr
    out = site / "output"
    opml = read_opml(out)
    assert opml.meta.title == "Desk & Co"
    listed = {(feed.url, feed.title, tuple(feed.tags)) for feed in opml.feeds}
    assert listed == {
        (f"{BASE}atom.xml", "Desk & Co", ()),
        (f"{BASE}digest/atom.xml", "Desk & Co: daily digest", ()),
        (f"{BASE}tags/asia/atom.xml", "Desk & Co: Asia", ("Tags",)),
        (f"{BASE}tags/trade/atom.xml", "Desk & Co: Trade", ("Tags",)),
        (f"{BASE}tags/power/atom.xml", "Desk & Co: Power", ("Tags",)),
    }  # not tags/energy/, the alias's old feed, which carries Power's items again
    for feed in opml.feeds:
        parsed = parse_feed(out / local(feed.url))
        assert parsed.version == "atom10" and parsed.feed.title == feed.title
    root = etree.parse(out / "feeds.opml").getroot()
    assert root.get("version") == "2.0" and root.find("head/dateCreated") is None
    for outline in root.iter("outline"):
        if outline.get("xmlUrl"):
            assert outline.get("type") == "rss"
            assert (out / local(outline.get("htmlUrl", ""))).is_file()
    assert "feeds.opml" not in (out / "sitemap.xml").read_text()
    tags_page = (out / "tags/index.html").read_text()
    assert '<a href="/news/feeds.opml" type="text/x-opml">' in tags_page
    assert 'rel="outline" type="text/x-opml"' in tags_page


def test_feeds_opml_names_no_build_time(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site(FILES, CONFIG)
    made = []
    for n, epoch in enumerate([1_750_000_000, 1_760_000_000]):
        out = tmp_path / f"out{n}"
        built = run_digest("build", "--site", site, "--output", out, env=environment(epoch))
        assert built.returncode == 0, built.stderr
        made.append((out / "feeds.opml").read_bytes())
    assert made[0] == made[1]
    assert b"date" not in made[0].lower()


@pytest.mark.parametrize(
    ("disable", "listed"),
    [
        ("[atom]", ["feed.xml", "digest/feed.xml", "tags/asia/feed.xml"]),
        ("[digests, json]", ["atom.xml", "tags/asia/atom.xml"]),
        ("[rss, atom]", ["feed.json"]),  # tag and digest feeds are RSS and Atom only
    ],
)
def test_each_feed_is_listed_in_the_first_format_the_site_makes(
    make_site: SiteMaker, tmp_path: Path, disable: str, listed: list[str]
) -> None:
    site = make_site(FILES, CONFIG + f"disable: {disable}\n")
    build_site(site, tmp_path / "out")
    urls = [feed.url for feed in read_opml(tmp_path / "out").feeds]
    assert urls[: len(listed)] == [BASE + file for file in listed]
    assert len(urls) == (1 if disable == "[rss, atom]" else len(listed) + 2)  # Trade, Energy


def test_a_site_without_feeds_has_no_feeds_opml(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site(FILES, CONFIG + "disable: [rss, atom, json]\n")
    build_site(site, tmp_path / "out")
    assert not (tmp_path / "out/feeds.opml").exists()
    assert "feeds.opml" not in (tmp_path / "out/tags/index.html").read_text()


def test_a_site_s_own_feeds_opml_replaces_the_generated_one(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    own = '<?xml version="1.0"?>\n<opml version="2.0"><head/><body/></opml>\n'
    site = make_site({**FILES, "content/feeds.opml": own}, CONFIG)
    build_site(site, tmp_path / "out")
    assert (tmp_path / "out/feeds.opml").read_text() == own


def test_a_cached_build_lists_a_new_tag_as_a_cold_build_does(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = make_site(FILES, CONFIG), tmp_path / "out"
    build_site(site, out)
    write_files(site, {"content/d.md": article("Rail", "2025-03-12T09:00:00Z", tags="[Rail]")})
    build_site(site, out)
    assert f"{BASE}tags/rail/atom.xml" in [feed.url for feed in read_opml(out).feeds]
    edit(site, "site.yaml", "title: Desk & Co", "title: The Desk")
    build_site(site, out)
    assert read_opml(out).meta.title == "The Desk"
    assert_same_as_cold(site, out)
