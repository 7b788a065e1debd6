"""What a subscriber keeps: Atom ids that never change for an article (not when its date
is corrected, not when the site moves to another host), and the feed of a tag that
became an alias of another; through the real command line and feedparser."""

from __future__ import annotations

from pathlib import Path

import feedparser
from conftest import SiteMaker, article, run_digest


def entry_ids(site: Path) -> dict[str, str]:
    built = run_digest("build", "--site", site)
    assert built.returncode == 0, built.stderr
    feed = feedparser.parse((site / "output" / "atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    return {entry.title: entry.id for entry in feed.entries}


def test_an_articles_atom_id_survives_a_corrected_date(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("Storm", id="storm-warning")})
    before = entry_ids(site)
    assert before == {"Storm": "tag:example.org,2000-01-01:storm-warning"}
    (site / "content/a.md").write_text(
        article("Storm", date="2025-03-13T07:30:00+00:00", id="storm-warning")
    )
    assert entry_ids(site) == before


def test_with_id_domain_and_id_date_set_ids_survive_a_move(make_site: SiteMaker) -> None:
    uuid = "d5ac4e8b-2e09-4fd4-8549-ef3337ca88ca"
    files = {
        "content/a.md": article("Storm", id="storm-warning"),
        "content/b.md": article("Seed", id=uuid),
    }
    config = "title: T\nid_domain: desk.example.org\nid_date: 2019-05-01\nbase_url: {}\n"
    site = make_site(files, config=config.format("https://old.example.net/"))
    before = entry_ids(site)
    assert before == {
        "Storm": "tag:desk.example.org,2019-05-01:storm-warning",
        "Seed": f"urn:uuid:{uuid}",  # a UUID id is its own
    }
    (site / "site.yaml").write_text(config.format("https://news.example.com/digest/"))
    assert entry_ids(site) == before


def test_id_date_must_be_a_date(make_site: SiteMaker) -> None:
    site = make_site({}, config="title: T\nid_date: yesterday\n")
    built = run_digest("build", "--site", site)
    assert built.returncode == 1
    assert "site.yaml:2: id_date must be a date such as 2025-01-01" in built.stderr


def test_an_aliased_tags_old_feed_goes_on_with_the_canonical_tags_items(
    make_site: SiteMaker,
) -> None:
    files = {
        "content/a.md": article("Launch", id="a", tags="[DPRK]"),
        "content/b.md": article("Talks", id="b", tags="[North Korea]"),
    }
    site = make_site(files, config="title: T\nbase_url: https://example.org/\n")
    entry_ids(site)
    old = feedparser.parse((site / "output/tags/dprk/feed.xml").read_bytes())
    assert [e.title for e in old.entries] == ["Launch"]
    config = "title: T\nbase_url: https://example.org/\ntag_aliases: {DPRK: North Korea}\n"
    (site / "site.yaml").write_text(config)
    entry_ids(site)
    for kind in ("feed.xml", "atom.xml"):
        moved = feedparser.parse((site / "output/tags/dprk" / kind).read_bytes())
        canonical = feedparser.parse((site / "output/tags/north-korea" / kind).read_bytes())
        assert not moved.bozo and not canonical.bozo
        assert [e.id for e in moved.entries] == [e.id for e in canonical.entries]
        assert sorted(e.title for e in moved.entries) == ["Launch", "Talks"]
        assert moved.feed.link == "https://example.org/tags/north-korea/"
    redirect = (site / "output/tags/dprk/index.html").read_text(encoding="utf-8")
    assert "/tags/north-korea/" in redirect  # the old page redirects
