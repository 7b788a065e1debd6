"""One polite GET of a feed with httpx: conditional (ETag, Last-Modified), compressed,
bounded in time, size and redirects, and named by its User-Agent.

Nothing here raises for a feed that fails: every way a feed can fail (DNS, TLS,
a refused connection, a status, a timeout, a body too big) is an Answer with the
reason, in words a person can act on.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from generator import __version__

USER_AGENT = f"digest/{__version__} (feed fetcher; +https://pypi.org/project/digest/)"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
MAX_REDIRECTS = 5
_PIECE = 1 << 16  # bytes inflated at a time
PERMANENT = frozenset({301, 308})
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Validators:
    """What the last answer of a feed said to send next time, so that an unchanged feed
    costs a 304 and no body."""

    etag: str = ""
    last_modified: str = ""

    def headers(self) -> dict[str, str]:
        sent = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {name: value for name, value in sent.items() if value}


@dataclass(frozen=True)
class Answer:
    """What one GET of a feed came to: its body (None if not modified or failed), where
    it moved for good, its new validators, or why it failed."""

    url: str  # the URL asked for
    body: bytes | None = None
    final_url: str = ""  # where the body came from, after redirects
    moved_to: str = ""  # the new URL, when every redirect was permanent
    validators: Validators = field(default_factory=Validators)
    not_modified: bool = False
    failure: str = ""


def client(connections: int, timeout: float) -> httpx.Client:
    """The one HTTP client of a fetch: `timeout` seconds for each step (connecting, each
    read), `connections` kept alive between feeds; redirects are followed by `get`."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(timeout),
        # No cap here: fetch.py lets `connections` feeds at once through, and one it
        # stopped waiting for may still hold its connection.
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=connections),
        follow_redirects=False,
    )


def get(
    http: httpx.Client, url: str, validators: Validators, timeout: float, max_bytes: int
) -> Answer:
    """GET `url` with `validators`, reading at most `max_bytes` (decompressed) of the
    feed; its steps take `timeout` seconds at most each (fetch.py bounds the whole)."""
    deadline = time.monotonic() + timeout
    try:
        return _follow(http, url, validators, deadline, max_bytes)
    except _Failed as exc:
        return Answer(url, failure=str(exc))
    except httpx.TimeoutException:
        return Answer(url, failure=f"no answer within {timeout:g} s (fetch_timeout)")
    except httpx.ConnectError as exc:
        return Answer(url, failure=f"cannot connect: {_reason(exc)}")
    except httpx.HTTPError as exc:  # a broken answer: the protocol, the encoding, ...
        return Answer(url, failure=f"{type(exc).__name__}: {_reason(exc)}")
    except Exception as exc:  # a URL or a redirect that httpx cannot even take
        return Answer(url, failure=f"not a URL digest can fetch ({type(exc).__name__}: {exc})")


def _follow(
    http: httpx.Client, url: str, validators: Validators, deadline: float, max_bytes: int
) -> Answer:
    """GET `url`, following up to MAX_REDIRECTS redirects, none of whose bodies is read
    (httpx would read each whole, however big)."""
    target, moves = url, []
    for _ in range(MAX_REDIRECTS + 1):
        request = http.build_request("GET", target, headers=validators.headers())
        response = http.send(request, stream=True)
        try:
            location = response.headers.get("Location", "")
            if response.status_code in REDIRECTS and location:
                moves.append(response.status_code)
                target = _redirected(target, location)
                continue
            moved = target if moves and _moved_for_good(url, target, moves) else ""
            return _answer(url, target, moved, response, _read(response, deadline, max_bytes))
        finally:
            response.close()
    raise _Failed(f"more than {MAX_REDIRECTS} redirects")


def _redirected(current: str, location: str) -> str:
    """Where a redirect from `current` to `location` leads; a feed is only on the web."""
    target = urljoin(current, location.strip())
    if urlsplit(target).scheme not in ("http", "https"):
        raise _Failed(f"redirected to {target!r}, which is not an http(s) URL")
    return target


def _moved_for_good(url: str, target: str, moves: list[int]) -> bool:
    """Whether the feed at `url` now lives at `target` for good: every redirect was
    permanent, and none traded https for plain http (that is no address to keep)."""
    downgrade = urlsplit(url).scheme == "https" and urlsplit(target).scheme == "http"
    return all(code in PERMANENT for code in moves) and not downgrade


class _Failed(Exception):
    """A feed that cannot be used, and why."""


def _read(response: httpx.Response, deadline: float, max_bytes: int) -> bytes | None:
    """The body of `response` if it is a feed's (a 200), read within the limits."""
    if response.status_code != 200:
        return None
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _Failed(f"{int(declared):,} bytes, over the limit of {max_bytes:,} (fetch_max_bytes)")
    chunks, size = [], 0
    for chunk in _decoded(response):
        size += len(chunk)
        if size > max_bytes:
            raise _Failed(f"over the limit of {max_bytes:,} bytes (fetch_max_bytes)")
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("the whole answer took too long")
        chunks.append(chunk)
    return b"".join(chunks)


def _decoded(response: httpx.Response) -> Iterator[bytes]:
    """The body of `response` as sent, decompressed here a piece at a time: httpx would
    inflate each chunk whole, and a 64 KiB chunk of a gzip bomb is 64 MB."""
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        yield from response.iter_raw()
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise _Failed(f"sent in an encoding digest did not ask for: {encoding}")
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 32)  # a gzip or a zlib header
    try:
        for chunk in response.iter_raw():
            while chunk:
                yield inflate.decompress(chunk, _PIECE)
                chunk = inflate.unconsumed_tail
        yield inflate.flush()
        if not inflate.eof:
            raise _Failed(f"its {encoding} body was cut short")
    except zlib.error as exc:
        raise _Failed(f"its {encoding} body is broken ({exc})") from None


def _answer(
    url: str, final: str, moved: str, response: httpx.Response, body: bytes | None
) -> Answer:
    status = response.status_code
    if status == 304:
        return Answer(url, final_url=final, moved_to=moved, not_modified=True)
    if status == 410:
        failure = "gone (HTTP 410): the feed was taken down; remove it from subscriptions"
        return Answer(url, final_url=final, failure=failure)
    if status != 200:
        reason = f" {response.reason_phrase}" if response.reason_phrase else ""
        return Answer(url, final_url=final, failure=f"HTTP {status}{reason}")
    validators = Validators(
        response.headers.get("ETag", ""), response.headers.get("Last-Modified", "")
    )
    return Answer(url, body, final, moved, validators)


def _reason(exc: Exception) -> str:
    """The innermost reason of `exc`: httpx wraps the socket's and TLS's errors."""
    inner: BaseException = exc
    while inner.__context__ is not None and str(inner.__context__):
        inner = inner.__context__
    return str(inner) or type(inner).__name__
