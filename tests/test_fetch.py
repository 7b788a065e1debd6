"""`digest fetch` against a real HTTP server on loopback (tests/feedserver.py), through
the real command line: conditional GET, moves, what an entry becomes, names, --build,
the lock and the progress bar (feeds that fail: tests/test_fetch_failures.py)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from collections.abc import Iterator

import pytest
from conftest import SiteMaker, mtimes, run_digest, tree
from feedserver import HERALD, WIRE, FeedServer, Route, articles, feed_server, rss, subscribed

from generator import __version__
from generator.incremental.lock import FETCH_LOCK_NAME, build_lock


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as feeds:
        yield feeds


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
