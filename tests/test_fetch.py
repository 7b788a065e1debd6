"""`digest fetch` against a real HTTP server on loopback (tests/feedserver.py), through
the real command line: conditional GET, moves, what an entry becomes, and every way a
feed fails, none of which stops the others."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SiteMaker, mtimes, run_digest, tree
from feedserver import FeedServer, Route, atom, feed_server, laughs, rss, xxe
from running import measured

from generator import __version__
from generator.content.frontmatter import load_front_matter
from generator.incremental.lock import FETCH_LOCK_NAME, build_lock

CONFIG = "title: Desk\nbase_url: https://example.org/\ntimezone: UTC\nsearch: false\n"
WIRE = rss("Wire", [("wire-1", "Storm hits coast"), ("wire-2", "Votes counted")])
HERALD = atom(
    "Herald",
    [("h-1", "Port reopens", "<p>The port <a href='/ports'>reopened</a>.</p><script>x()</script>")],
    "https://herald.example/news/",
)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as feeds:
        yield feeds


def subscribed(make_site: SiteMaker, server: FeedServer, entries: str, extra: str = "") -> Path:
    """A site subscribed to `entries` (YAML list items; `{url}` is the server)."""
    items = entries.format(url=server.url("")).strip("\n")
    return make_site(config=f"{CONFIG}{extra}# the desk's feeds\nsubscriptions:\n{items}\n")


def articles(site: Path) -> dict[str, tuple[dict[str, object], str]]:
    """Each article under content/ (by its id): its front matter and body."""
    found = {}
    for path in (site / "content").rglob("*.md"):
        meta, _, body = load_front_matter(path.read_text())
        found[str(meta["id"])] = (meta, body)
    return found


def test_a_second_fetch_is_answered_304_and_writes_nothing(
    make_site: SiteMaker, server: FeedServer
) -> None:
    server.routes["/wire.xml"] = Route(WIRE, etag='"v1"')
    server.routes["/herald.xml"] = Route(HERALD, last_modified=1_764_000_000, gzip=True)
    site = subscribed(
        make_site, server, "  - url: {url}/wire.xml\n    name: Wire\n  - {url}/herald.xml"
    )
    first = run_digest("fetch", "--site", site)
    assert first.returncode == 0, first.stderr
    assert "fetched Wire: 2 new, 0 skipped" in first.stdout
    assert "2 feeds (2 fetched, 0 not modified, 0 failed); 3 articles new" in first.stdout
    assert set(articles(site)) == {"wire-1", "wire-2", "h-1"}  # the Herald's came gzipped
    assert server.requests[0].headers["Accept-Encoding"] == "gzip, deflate"
    agents = {request.headers["User-Agent"] for request in server.requests}
    assert all(agent.startswith(f"digest/{__version__} ") for agent in agents), agents
    content, state = tree(site / "content"), site / ".digest-cache/fetch.json"
    times, state_time = mtimes(site / "content"), state.stat().st_mtime_ns

    second = run_digest("fetch", "--site", site)
    assert second.returncode == 0, second.stderr
    assert "not modified Wire" in second.stdout
    assert "(0 fetched, 2 not modified, 0 failed); 0 articles new, 0 skipped" in second.stdout
    assert server.asked("/wire.xml")[-1].headers["If-None-Match"] == '"v1"'
    assert "If-Modified-Since" in server.asked("/herald.xml")[-1].headers
    assert tree(site / "content") == content and mtimes(site / "content") == times
    assert state.stat().st_mtime_ns == state_time


def test_entries_come_in_once_and_a_deleted_article_stays_deleted(
    make_site: SiteMaker, server: FeedServer
) -> None:
    server.routes["/wire.xml"] = Route(WIRE, etag='"v1"')
    site = subscribed(make_site, server, "  - url: {url}/wire.xml")
    assert run_digest("fetch", "--site", site).returncode == 0
    rejected = next((site / "content").rglob("votes-counted.md"))
    rejected.unlink()  # the curator did not want it
    items = [("wire-1", "Storm hits coast"), ("wire-2", "Votes counted"), ("wire-3", "Rates up")]
    server.routes["/wire.xml"] = Route(rss("Wire", items), etag='"v2"')
    again = run_digest("fetch", "--site", site, "-v")
    assert again.returncode == 0, again.stderr
    assert "1 new, 2 skipped" in again.stdout
    assert "imported by an earlier fetch, deleted since" in again.stdout
    assert set(articles(site)) == {"wire-1", "wire-3"}


def test_what_an_entry_becomes(make_site: SiteMaker, server: FeedServer) -> None:
    server.routes["/wire.xml"] = Route(WIRE)
    server.routes["/herald.xml"] = Route(HERALD, content_type="application/atom+xml")
    site = subscribed(
        make_site,
        server,
        "  - url: {url}/wire.xml\n    tags: [World, Weather]\n    draft: true\n"
        "  - url: {url}/herald.xml\n    content: full\n    source: The Herald",
    )
    assert run_digest("fetch", "--site", site).returncode == 0
    found = articles(site)
    meta, body = found["wire-1"]
    assert meta["tags"] == ["World", "Weather"] and meta["draft"] is True
    assert meta["source"] == {"name": "Wire", "url": "https://wire.example/wire-1"}
    assert meta["summary"] == "Storm hits coast: what happened, in a sentence. And more."
    assert body.strip() == (
        "<p>Storm hits coast: what happened, in a sentence. And more.</p>\n\n"
        '<p><a href="https://wire.example/wire-1">Read the whole story at Wire</a></p>'
    )
    meta, body = found["h-1"]
    assert meta["source"] == {"name": "The Herald", "url": "https://herald.example/news/h-1"}
    assert "draft" not in meta
    assert '<a href="https://herald.example/ports">reopened</a>' in body  # made absolute
    assert "script" not in body and "x()" not in body
    built = run_digest("build", "--site", site, "--drafts")
    assert built.returncode == 0, built.stderr
    assert "Port reopens" in (site / "output/index.html").read_text()


def test_a_feed_that_moved_for_good_gets_its_new_url_in_site_yaml(
    make_site: SiteMaker, server: FeedServer
) -> None:
    server.routes["/old.xml"] = Route(status=301, location=server.url("/new.xml"))
    server.routes["/new.xml"] = Route(WIRE, etag='"n1"')
    server.routes["/for-now.xml"] = Route(status=302, location=server.url("/elsewhere.xml"))
    server.routes["/elsewhere.xml"] = Route(HERALD)
    site = subscribed(
        make_site, server, "  - url: {url}/old.xml  # moved?\n    name: Wire\n  - {url}/for-now.xml"
    )
    before = (site / "site.yaml").read_text()
    moved = run_digest("fetch", "--site", site)
    assert moved.returncode == 0, moved.stderr
    new_url, old_url = server.url("/new.xml"), server.url("/old.xml")
    assert f"moved Wire: {old_url} -> {new_url} (site.yaml updated)" in moved.stdout
    assert (site / "site.yaml").read_text() == before.replace(old_url, json.dumps(new_url))
    server.requests.clear()
    again = run_digest("fetch", "--site", site)
    assert again.returncode == 0, again.stderr
    assert "not modified Wire" in again.stdout  # the validators moved with it
    assert [r.path for r in server.requests if r.path in ("/old.xml", "/new.xml")] == ["/new.xml"]
    assert server.asked("/for-now.xml")  # a temporary redirect changes nothing


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


def test_fetch_build_builds_only_when_something_is_new(
    make_site: SiteMaker, server: FeedServer
) -> None:
    server.routes["/wire.xml"] = Route(WIRE, etag='"v1"')
    site = subscribed(make_site, server, "  - url: {url}/wire.xml")
    first = run_digest("fetch", "--build", "--site", site)
    assert first.returncode == 0, first.stderr
    assert "Storm hits coast" in (site / "output/index.html").read_text()
    assert first.stdout.splitlines()[-1].startswith("built ")
    output = mtimes(site / "output")
    second = run_digest("fetch", "--build", "--site", site)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[-1].startswith("fetch: 1 feed (0 fetched, 1 not modified")
    assert mtimes(site / "output") == output


def test_fetch_takes_subscriptions_by_name_or_url(make_site: SiteMaker, server: FeedServer) -> None:
    server.routes["/wire.xml"] = Route(WIRE)
    server.routes["/herald.xml"] = Route(HERALD)
    site = subscribed(
        make_site, server, "  - url: {url}/wire.xml\n    name: Wire\n  - {url}/herald.xml"
    )
    assert run_digest("fetch", "wire", "--site", site).returncode == 0
    assert set(articles(site)) == {"wire-1", "wire-2"}
    assert run_digest("fetch", server.url("/herald.xml"), "--site", site).returncode == 0
    assert "h-1" in articles(site)
    unknown = run_digest("fetch", "Gazette", "--site", site)
    assert unknown.returncode == 1
    assert "site.yaml: no subscription called 'Gazette'" in unknown.stderr


def test_a_site_without_subscriptions_is_told_how_to_add_them(make_site: SiteMaker) -> None:
    result = run_digest("fetch", "--site", make_site())
    assert result.returncode == 1
    assert "no subscriptions: list feeds under `subscriptions:`" in result.stderr


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


def test_a_second_fetch_at_once_is_refused(make_site: SiteMaker, server: FeedServer) -> None:
    server.routes["/wire.xml"] = Route(WIRE)
    site = subscribed(make_site, server, "  - url: {url}/wire.xml")
    with build_lock(site, name=FETCH_LOCK_NAME):  # as a fetch running meanwhile holds it
        result = run_digest("fetch", "--site", site)
    assert result.returncode == 1
    assert "another fetch of this site is running" in result.stderr
    assert not list((site / "content").rglob("*.md")) and not server.requests


def test_on_a_terminal_a_fetch_shows_its_progress(make_site: SiteMaker, server: FeedServer) -> None:
    server.routes["/slow.xml"] = Route(WIRE, delay=1.5)
    server.routes["/herald.xml"] = Route(HERALD)
    site = subscribed(make_site, server, "  - {url}/slow.xml\n  - {url}/herald.xml")
    leader, follower = pty.openpty()  # stderr a terminal, as in a person's shell
    try:
        command = [sys.executable, "-m", "generator", "fetch", "--site", str(site)]
        result = subprocess.run(command, stderr=follower, stdout=subprocess.PIPE, timeout=60)
        os.close(follower)
        shown = b""
        while select.select([leader], [], [], 0)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: all of it is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert result.returncode == 0
    assert b"] fetching 1/2" in shown and shown.endswith(b"\r\x1b[K")  # drawn, then cleared


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
