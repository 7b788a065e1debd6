"""`digest subscriptions import|export`: OPML in and out of site.yaml, through the real
command line; what an export says read back by digest and by another OPML reader
(listparser); site.yaml edited as a person would, the rest of it kept as it was."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import listparser
import pytest
from conftest import SiteMaker, run_digest

from generator.gather.opml import from_opml, to_opml
from generator.settings.config import load_gathering
from generator.settings.subscriptions import Subscription

SUBSCRIBED = """\
title: One
base_url: https://one.example/
# The feeds we follow.
subscriptions:
  - url: https://wire.example.org/asia/rss.xml
    name: Asia Wire
    tags: [Asia, Économie, North Korea]
    source: The Wire
    draft: true
    content: full
  - url: https://herald.example.org/feed.atom
    name: "Herald: Defense # daily"
    tags: [Defense]
  - https://bare.example.net/feed.xml
  - url: https://quiet.example.com/rss?lang=ko&x=1
    name: 東京 News
"""

READER_EXPORT = """\
<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Subscriptions in Some Reader</title></head>
  <body>
    <outline text="News" title="News">
      <outline text="World">
        <outline type="rss" text="Asia Daily" title="Asia Daily" category="/World/Asia,Politics"
                 xmlUrl="https://asia.example/rss" htmlUrl="https://asia.example/"/>
      </outline>
      <outline type="rss" text="My name for it" title="The Feed's Own Title"
               xmlUrl="https://named.example/atom.xml" htmlUrl="https://named.example/"/>
    </outline>
    <outline text="An empty folder"/>
    <outline text="Links"><outline type="link" text="Not a feed" url="https://link.example/"/></outline>
    <outline type="rss" title="Only a title" xmlUrl="https://titled.example/feed"/>
  </body>
</opml>
"""


def opml_of(*outlines: str) -> str:
    """An OPML 2.0 document of these outlines."""
    return f'<opml version="2.0"><head/><body>{"".join(outlines)}</body></opml>'


TWO_FEEDS = opml_of(
    '<outline type="rss" text="New: Wire #1" category="World" xmlUrl="https://new.example/rss"/>',
    '<outline text="https://plain.example/feed.xml" xmlUrl="https://plain.example/feed.xml"/>',
)
NEW = (
    Subscription(url="https://new.example/rss", name="New: Wire #1", tags=("World",)),
    Subscription(url="https://plain.example/feed.xml"),
)


def import_opml(site: Path, text: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`digest subscriptions import` of an OPML file holding `text`."""
    opml = site.parent / "in.opml"
    opml.write_text(text, encoding="utf-8")
    return opml, run_digest("subscriptions", "import", opml, "--site", site)


def test_an_export_imported_into_another_site_gives_the_same_subscriptions(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site(config=SUBSCRIBED)
    opml = tmp_path / "x.opml"
    exported = run_digest("subscriptions", "export", "-o", opml, "--site", site)
    assert (exported.returncode, exported.stdout) == (0, ""), exported.stderr
    on_stdout = run_digest("subscriptions", "export", "--site", site).stdout
    assert on_stdout == opml.read_text(encoding="utf-8")
    other = tmp_path / "other"  # a second site, whose site.yaml has only a title
    other.mkdir()
    (other / "site.yaml").write_text("title: X\n")
    imported = run_digest("subscriptions", "import", opml, "--site", other)
    assert imported.returncode == 0, imported.stderr
    original = load_gathering(site).subscriptions
    assert len(original) == 4 and original[0].draft and original[0].content == "full"
    assert load_gathering(other).subscriptions == original
    lines = imported.stdout.splitlines()
    assert (lines[0], lines[-1]) == ("added Asia Wire", "subscriptions: 4 added, 0 skipped")


def test_the_export_reads_the_same_in_another_opml_reader(make_site: SiteMaker) -> None:
    site = make_site(config=SUBSCRIBED)
    exported = run_digest("subscriptions", "export", "--site", site)
    assert exported.returncode == 0, exported.stderr
    result = listparser.parse(exported.stdout)
    assert not result.bozo, result.get("bozo_exception")
    assert result.meta.title == "One: subscriptions"
    read = {feed.url: (feed.title, feed.tags) for feed in result.feeds}
    assert read == {
        "https://wire.example.org/asia/rss.xml": ("Asia Wire", ["Asia", "Économie", "North Korea"]),
        "https://herald.example.org/feed.atom": ("Herald: Defense # daily", ["Defense"]),
        "https://bare.example.net/feed.xml": ("https://bare.example.net/feed.xml", []),
        "https://quiet.example.com/rss?lang=ko&x=1": ("東京 News", []),
    }
    assert list(read) == [s.url for s in load_gathering(site).subscriptions]
    assert [feed.categories for feed in result.feeds] == [
        [[t] for t in v[1]] for v in read.values()
    ]


def test_a_feed_readers_export_gives_its_feeds_not_its_folders(make_site: SiteMaker) -> None:
    site = make_site()
    _, result = import_opml(site, READER_EXPORT)
    assert result.returncode == 0, result.stderr
    assert load_gathering(site).subscriptions == (
        # a category's last part is the tag; the folders it sits in are none
        Subscription(url="https://asia.example/rss", name="Asia Daily", tags=("Asia", "Politics")),
        # `text` is the name a reader shows (listparser's too); `title` only stands in for it
        Subscription(url="https://named.example/atom.xml", name="My name for it"),
        Subscription(url="https://titled.example/feed", name="Only a title"),
    )
    assert result.stdout.splitlines()[-1] == "subscriptions: 3 added, 0 skipped"


# Each a site.yaml: the text before the new subscriptions go in, what an import may
# change (between ¦ and ¦), the text after.
LAYOUTS = {
    "no subscriptions key": "title: X\nbase_url: https://e.org/\n# Feeds come later.\n¦¦",
    "nothing after the key": "title: X\n# Feeds:\nsubscriptions:\n¦¦base_url: https://e.org/\n",
    "an empty flow list": "title: X\n# None yet\n¦subscriptions: []¦\nbase_url: https://e.org/\n",
    "a block list, then a key": "title: X\nsubscriptions:\n  # wires first\n"
    "  - url: https://a.example/rss  # the first\n    name: A\n    tags: [Asia]\n"
    "¦¦# Where the site lives:\nbase_url: https://e.org/\n",
    "a block list at the end": "title: X  # ours\nsubscriptions:\n"
    "  - url: https://a.example/rss\n    name: A\n¦¦",
    "a block list of URLs, indented 4": "subscriptions:\n    - https://a.example/rss\n"
    "    - 'https://b.example/rss'  # quoted\n¦¦title: X\n",
    "a block list not indented": "subscriptions:\n- url: https://a.example/rss\n  draft: true\n"
    "¦¦title: X\n",
    "a flow list with items": "title: X\n¦subscriptions: [{url: https://a.example/rss, name: A}]¦"
    "  # one for now\nbase_url: https://e.org/\n",
}


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_an_import_adds_lines_and_keeps_the_rest_of_site_yaml(
    make_site: SiteMaker, layout: str
) -> None:
    head, middle, tail = layout.split("¦")
    site = make_site(config=head + middle + tail)
    old = load_gathering(site).subscriptions
    _, result = import_opml(site, TWO_FEEDS)
    assert result.returncode == 0, result.stderr
    after = (site / "site.yaml").read_text(encoding="utf-8")
    assert after.startswith(head) and after.endswith(tail), after
    written = after[len(head) : len(after) - len(tail)]
    assert "\n\n" not in written and not written.startswith("\n") and after.endswith("\n"), after
    if not middle and old:  # after the last item, indented as it is
        base = re.findall(r"^( *)- ", head, re.MULTILINE)[-1]
        assert re.fullmatch(f"{base}- .*\n({base}(- |  ).*\n)*", written), after
    assert load_gathering(site).subscriptions == old + NEW


def test_importing_again_adds_nothing_and_leaves_site_yaml_as_it_was(make_site: SiteMaker) -> None:
    site = make_site()
    _, first = import_opml(site, TWO_FEEDS)
    assert first.returncode == 0, first.stderr
    path = site / "site.yaml"
    before, stat = path.read_bytes(), path.stat()
    _, second = import_opml(site, TWO_FEEDS)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == [
        "skipped https://new.example/rss: already subscribed",
        "skipped https://plain.example/feed.xml: already subscribed",
        "subscriptions: 0 added, 2 skipped",
    ]
    assert path.read_bytes() == before
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)


def test_two_feeds_of_one_name_do_not_make_site_yaml_invalid(make_site: SiteMaker) -> None:
    # Readers often have two "News" feeds, in different folders; site.yaml may not.
    site = make_site()
    feed = '<outline text="{}"><outline text="News" xmlUrl="https://{}.example/rss"/></outline>'
    _, result = import_opml(site, opml_of(feed.format("Asia", "one"), feed.format("EU", "two")))
    assert load_gathering(site).subscriptions == (  # raises SiteError if invalid
        Subscription(url="https://one.example/rss", name="News"),
        Subscription(url="https://two.example/rss", name="News (2)"),
    )
    assert result.stdout.splitlines()[:2] == ["added News", "added News (2)"]


ENTITIES = """\
<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"> <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<opml version="2.0"><head/><body><outline text="&c; &secret;" xmlUrl="https://evil.example/rss"/></body></opml>
"""
NOT_OPML = {
    "html": "<!DOCTYPE html>\n<html><head><title>Feeds</title></head><body><p>Hi<br></body>",
    "broken xml": '<opml version="2.0"><head/><body><outline text="A" xmlUrl="https://a.example/rss">',
    "another xml": '<rss version="2.0"><channel><title>A</title></channel></rss>',
    "entities": ENTITIES,
}


@pytest.mark.parametrize("text", NOT_OPML.values(), ids=NOT_OPML.keys())
def test_a_file_that_is_not_opml_is_refused_and_site_yaml_left_alone(
    make_site: SiteMaker, text: str
) -> None:
    site = make_site()
    before = (site / "site.yaml").read_bytes()
    opml, result = import_opml(site, text)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and str(opml) in errors[0], result.stderr
    assert "added" not in result.stdout and "Traceback" not in result.stderr
    assert (site / "site.yaml").read_bytes() == before


def test_a_feed_not_on_the_web_is_refused_and_the_others_added(make_site: SiteMaker) -> None:
    site = make_site()
    urls = ["feed://x.example/rss", "https://good.example/rss", "ftp://y.example/rss.xml"]
    _, result = import_opml(site, opml_of(*(f'<outline text="Good" xmlUrl="{u}"/>' for u in urls)))
    assert result.returncode == 1
    refused = [line for line in result.stderr.splitlines() if line.startswith("refused ")]
    assert [line.partition(": ")[0] for line in refused] == [
        f"refused {urls[0]}",
        f"refused {urls[2]}",
    ]
    assert all("http(s)" in line.partition(": ")[2] for line in refused), refused
    assert result.stdout.splitlines() == ["added Good", "subscriptions: 1 added, 0 skipped"]
    assert load_gathering(site).subscriptions == (Subscription(urls[1], name="Good"),)


def test_the_export_of_a_site_without_subscriptions_is_an_empty_opml(make_site: SiteMaker) -> None:
    site = make_site()
    exported = run_digest("subscriptions", "export", "--site", site)
    assert exported.returncode == 0, exported.stderr
    root = ET.fromstring(exported.stdout.encode())
    assert (root.tag, root.get("version"), len(root.findall("head/title"))) == ("opml", "2.0", 1)
    assert [list(body) for body in root.iter("body")] == [[]]
    result = listparser.parse(exported.stdout)
    assert not result.bozo and result.feeds == []
    assert from_opml(exported.stdout.encode()) == []


def test_tags_a_category_cannot_hold_come_back_as_they_were() -> None:
    wire = Subscription("https://wire.example/rss", "Wire", ("Asia/Pacific", "Oil, Gas", "Energy"))
    document = to_opml("Desk", [wire])
    assert from_opml(document.encode()) == [wire]
    assert "Energy" in listparser.parse(document).feeds[0].tags  # others read a category
