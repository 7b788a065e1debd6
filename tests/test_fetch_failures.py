"""`digest fetch` of feeds that fail, attack or come odd, against a real HTTP server on
loopback (tests/feedserver.py): each is reported with its URL and reason, costs no
memory, loses nothing, and never stops the others."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SiteMaker, run_digest
from feedserver import (
    HERALD,
    WIRE,
    FeedServer,
    Route,
    articles,
    feed_server,
    laughs,
    rss,
    subscribed,
    xxe,
)
from running import measured


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as feeds:
        yield feeds


def test_failing_feeds_are_reported_and_never_stop_the_others(
    make_site: SiteMaker, server: FeedServer, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the-password-is-swordfish")
    routes = {
        "/500.xml": Route(b"oops", status=500),
        "/gone.xml": Route(status=410),
        "/html.xml": Route(b"<html><body>Not a feed</body></html>", content_type="text/html"),
        "/malformed.xml": Route(b"<?xml version='1.0'?>\x01<<rss>>&&</channel"),
        "/slow.xml": Route(WIRE, delay=6),
        "/trickle.xml": Route(WIRE, slow_headers=30),  # a header a second: no read times out
        "/big.xml": Route(b"<rss>" + b" " * 1_000_000, repeat=50),
        "/big-undeclared.xml": Route(b" " * 1_000_000, repeat=50, declare_length=False),
        "/bomb.xml": Route(b" " * 1_000_000, repeat=50, gzip=True),
        "/xxe.xml": Route(
            WIRE.replace(b"<rss", xxe(secret) + b"<rss", 1).replace(b"Storm hits coast", b"&xxe;")
        ),
        "/laughs.xml": Route(laughs(WIRE)),
        "/loop.xml": Route(status=302, location="/loop.xml"),
        "/good.xml": Route(HERALD),
    }
    server.routes.update(routes)
    entries = "".join(f"  - {{url}}{path}\n" for path in routes)
    entries += (
        f"  - https://127.0.0.1:{server.port}/good.xml\n  - http://no-such-host.invalid/x.xml\n"
        "  - http://a..b\n"
    )
    site = subscribed(make_site, server, entries, "fetch_timeout: 2\nfetch_max_bytes: 5000000\n")
    started = time.monotonic()
    result, peak = measured("fetch", "--site", site)
    assert time.monotonic() - started < 20  # the slow feed did not hold the others up
    print(f"peak memory {peak / 1e6:.0f} MB")
    assert peak < 100e6  # 150 MB of bodies and a gzip bomb sent; each read stopped at 5 MB
    assert result.returncode == 1
    failed = [
        line.split(" ", 2) for line in result.stderr.splitlines() if line.startswith("failed ")
    ]
    failures = {url.rstrip(":").rsplit("/", 1)[-1]: reason for _, url, reason in failed}
    reasons = {
        "500.xml": "HTTP 500",
        "gone.xml": "gone (HTTP 410)",
        "html.xml": "not an RSS or Atom feed",
        "malformed.xml": "not well-formed XML (line 1, column",
        "slow.xml": "no answer within 2 s (fetch_timeout)",
        "trickle.xml": "no answer within 2 s (fetch_timeout)",
        "a..b": "not a URL digest can fetch",
        "big.xml": "50,000,250 bytes, over the limit of 5,000,000 (fetch_max_bytes)",
        "big-undeclared.xml": "over the limit of 5,000,000 bytes",
        "bomb.xml": "over the limit of 5,000,000 bytes",
        "xxe.xml": "declares XML entities",
        "laughs.xml": "declares XML entities",
        "loop.xml": "more than 5 redirects",
        "x.xml": "cannot connect",
    }
    for name, reason in reasons.items():
        assert reason in failures.get(name, ""), (name, result.stderr)
    assert "cannot connect" in failures["good.xml"]  # TLS to a server that speaks none
    assert len(failures) == 15
    assert "16 feeds (1 fetched, 0 not modified, 15 failed); 1 article new" in result.stderr
    assert set(articles(site)) == {"h-1"}
    assert all("swordfish" not in path.read_text() for path in (site / "content").rglob("*.md"))


def test_import_refuses_a_feed_file_that_declares_entities(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the-password-is-swordfish")
    feed = tmp_path / "feed.xml"
    feed.write_bytes(xxe(secret) + WIRE.split(b"?>", 1)[1].replace(b"Votes counted", b"&xxe;"))
    site = make_site()
    result = run_digest("import", feed, "--site", site)
    assert result.returncode == 1
    assert f"refused {feed}: declares XML entities" in result.stderr
    assert not list((site / "content").rglob("*.md"))


def test_a_redirect_s_body_is_not_read_and_two_feeds_may_not_move_to_one_url(
    make_site: SiteMaker, server: FeedServer
) -> None:
    new = server.url("/new.xml")
    server.routes["/a.xml"] = Route(b" " * 1_000_000, status=301, location=new, repeat=300)
    server.routes["/b.xml"] = Route(status=308, location=new)
    server.routes["/new.xml"] = Route(WIRE)
    site = subscribed(make_site, server, "  - {url}/a.xml\n  - {url}/b.xml")
    result, peak = measured("fetch", "--site", site)
    assert result.returncode == 0, result.stderr
    assert peak < 100e6  # the 300 MB the first redirect came with stayed unread
    assert f"moved {server.url('/a.xml')}: " in result.stdout
    assert f"moved for good to {new}, which is subscribed too: remove one" in result.stderr
    assert run_digest("check", "--site", site).returncode == 0  # site.yaml still reads
    assert server.url("/b.xml") in (site / "site.yaml").read_text()


def test_an_entry_that_could_not_be_written_comes_again(
    make_site: SiteMaker, server: FeedServer
) -> None:
    server.routes["/wire.xml"] = Route(WIRE, etag='"v1"')
    site = subscribed(make_site, server, "  - url: {url}/wire.xml\n    source: Wire Desk")
    (site / "content/2026").write_text("in the way of the folder articles go to")
    blocked = run_digest("fetch", "--site", site)
    assert blocked.returncode == 1
    assert "2 refused" in blocked.stderr and "cannot write content/2026/12/" in blocked.stderr
    (site / "content/2026").unlink()
    again = run_digest("fetch", "--site", site)  # no 304: the feed comes whole again
    assert again.returncode == 0, again.stderr
    meta, body = articles(site)["wire-1"]
    assert meta["source"] == {"name": "Wire Desk", "url": "https://wire.example/wire-1"}
    assert "Read the whole story at Wire Desk</a>" in body


def test_placeholder_dates_and_guids_that_are_no_links(
    make_site: SiteMaker, server: FeedServer
) -> None:
    feed = WIRE.replace(b"<link>https://wire.example/wire-2</link>", b"").replace(
        b"<pubDate>Tue, 01 Dec 2026", b"<pubDate>Mon, 01 Jan 0001", 1
    )
    server.routes["/wire.xml"] = Route(feed)
    site = subscribed(make_site, server, "  - {url}/wire.xml")
    result = run_digest("fetch", "--site", site)
    assert result.returncode == 1
    assert f"refused {server.url('/wire.xml')}#1: dated 0001-01-01, before 1970" in result.stderr
    meta, body = articles(site)["wire-2"]  # its guid, wire-2, is not a page of anyone's
    assert meta["source"] == "Wire" and "Read the whole story" not in body


def test_json_feeds_resolve_against_their_url_and_quoted_entities_are_text(
    make_site: SiteMaker, server: FeedServer
) -> None:
    item = {"id": "j1", "url": "/posts/1", "title": "Rates", "content_html": '<img src="c.png">'}
    document = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [item]}
    server.routes["/news/feed.json"] = Route(json.dumps(document).encode(), content_type="")
    quoting = b"<![CDATA[<p>An attack: <code><!ENTITY xxe SYSTEM 'file:///'></code></p>]]>"
    server.routes["/blog.xml"] = Route(WIRE.replace(b"Votes counted: what happened", quoting))
    site = subscribed(
        make_site,
        server,
        "  - url: {url}/news/feed.json\n    content: full\n  - url: {url}/blog.xml\n"
        "    content: full",
    )
    result = run_digest("fetch", "--site", site)
    assert result.returncode == 0, result.stderr
    meta, body = articles(site)["j1"]
    assert meta["source"] == {"name": "J", "url": server.url("/posts/1")}
    assert f'src="{server.url("/posts/c.png")}"' in body
    assert "&lt;!ENTITY xxe" in articles(site)["wire-2"][1]  # a post about it, imported


def test_two_feeds_numbering_their_entries_alike_both_come_in_once(
    make_site: SiteMaker, server: FeedServer
) -> None:
    server.routes["/one.xml"] = Route(rss("One", [("1", "Port reopens")], "https://one.example/"))
    server.routes["/two.xml"] = Route(rss("Two", [("1", "Rates rise")], "https://two.example/"))
    site = subscribed(make_site, server, "  - {url}/one.xml\n  - {url}/two.xml")
    first = run_digest("fetch", "--site", site)
    assert first.returncode == 0, first.stderr
    assert "2 articles new" in first.stdout
    found = {str(meta["title"]): story_id for story_id, (meta, _) in articles(site).items()}
    assert found == {"Port reopens": "1", "Rates rise": "https://two.example/1"}
    again = run_digest("fetch", "--site", site)  # no validators: both feeds come whole
    assert "0 articles new, 2 skipped" in again.stdout, again.stdout
