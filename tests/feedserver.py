"""A real HTTP server on loopback that serves feeds the way the web does, good and bad:
ETag and Last-Modified answered with 304, redirects, errors, gzip, answers that never
come and bodies too big. Used by tests/test_fetch.py and tests/benchmarks/fetch.py."""

from __future__ import annotations

import email.utils
import gzip
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import SiteMaker, serving

from generator.content.fences import load_front_matter


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml"
    etag: str = ""
    last_modified: float | None = None  # a Unix time
    location: str = ""  # of a redirect
    delay: float = 0.0  # seconds before anything is sent
    gzip: bool = False  # sent compressed to a client that accepts it
    repeat: int = 1  # the body sent this many times over
    declare_length: bool = True  # else the body ends when the connection closes
    slow_headers: int = 0  # header lines sent a second apart before the others


@dataclass
class Request:
    path: str
    headers: dict[str, str]


@dataclass
class FeedServer:
    """The routes (changeable while it runs) and every request it had."""

    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def asked(self, path: str) -> list[Request]:
        return [request for request in self.requests if request.path == path]


class _Handler(BaseHTTPRequestHandler):
    server_version = "FeedServer/1"
    feeds: FeedServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.feeds.requests.append(Request(self.path, dict(self.headers.items())))
        route = self.feeds.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        time.sleep(route.delay)
        if self._not_modified(route):
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(route.status)
        for number in range(route.slow_headers):  # each read in time, the whole never
            self.send_header(f"X-Slow-{number}", "1")
            self.flush_headers()
            time.sleep(1)
        if route.location:
            self.send_header("Location", route.location)
        body = route.body
        if route.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body * route.repeat)
            self.send_header("Content-Encoding", "gzip")
            route = Route(**{**route.__dict__, "repeat": 1})
        self._send_body(route, body)

    def _not_modified(self, route: Route) -> bool:
        if route.status != 200:
            return False
        if route.etag and self.headers.get("If-None-Match") == route.etag:
            return True
        since = self.headers.get("If-Modified-Since")
        return bool(route.last_modified and since and since == _http_date(route.last_modified))

    def _send_body(self, route: Route, body: bytes) -> None:
        self.send_header("Content-Type", route.content_type)
        if route.etag:
            self.send_header("ETag", route.etag)
        if route.last_modified:
            self.send_header("Last-Modified", _http_date(route.last_modified))
        if route.declare_length:
            self.send_header("Content-Length", str(len(body) * route.repeat))
        else:
            self.close_connection = True
        self.end_headers()
        try:
            for _ in range(route.repeat):
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what a size limit does


def _http_date(moment: float) -> str:
    return email.utils.formatdate(moment, usegmt=True)


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    """A FeedServer running on a free loopback port until the block ends."""
    feeds = FeedServer()
    handler = type("Handler", (_Handler,), {"feeds": feeds})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    feeds.port = server.server_address[1]
    with serving(server):
        yield feeds


def rss(title: str, items: list[tuple[str, str]], link: str = "https://wire.example/") -> bytes:
    """An RSS 2.0 feed of `items` (guid, title), each with a link and a description."""
    entries = "".join(
        f"<item><title>{name}</title><link>{link}{guid}</link><guid>{guid}</guid>"
        f"<pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate>"
        f"<description>{name}: what happened, in a sentence. And more.</description></item>"
        for guid, name in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>{link}</link><description>News</description>"
        f"{entries}</channel></rss>"
    ).encode()


def atom(title: str, items: list[tuple[str, str, str]], link: str) -> bytes:
    """An Atom feed of `items` (id, title, HTML content)."""
    entries = "".join(
        f"<entry><id>{guid}</id><title>{name}</title><link href='{link}{guid}'/>"
        f"<updated>2026-12-01T10:00:00Z</updated>"
        f"<content type='html'>{html}</content></entry>"
        for guid, name, html in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:x:{title}</id><link href='{link}'/>"
        f"<updated>2026-12-01T10:00:00Z</updated>{entries}</feed>"
    ).encode()


def xxe(secret: Path) -> bytes:
    return f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()


def laughs(feed: bytes) -> bytes:
    """`feed` with a billion laughs: ten entities, each ten of the one before."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    doctype = f"<!DOCTYPE rss [{''.join(entities)}]>".encode()
    return feed.replace(b"<rss", doctype + b"<rss", 1).replace(b"Votes counted", b"&lol9;")


# A desk's site and two feeds, for the tests of digest fetch.

CONFIG = "title: Desk\nbase_url: https://example.org/\ntimezone: UTC\nsearch: false\n"
WIRE = rss("Wire", [("wire-1", "Storm hits coast"), ("wire-2", "Votes counted")])
HERALD = atom(
    "Herald",
    [("h-1", "Port reopens", "<p>The port <a href='/ports'>reopened</a>.</p><script>x()</script>")],
    "https://herald.example/news/",
)


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
