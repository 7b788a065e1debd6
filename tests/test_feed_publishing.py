"""Publishing for subscribers (issue 21): `websub_hub` names a hub in every feed."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from conftest import (
    REPO,
    SiteMaker,
    article,
    build_site,
    parse_feed,
    run_digest,
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
