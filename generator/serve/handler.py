"""The HTTP side of `digest serve`: the built files under the base URL's path, the
live-reload script added to HTML responses, and the events it listens to.

The script listens on `/__digest/events` and reloads the page after a good
rebuild that changed it (each `reload` event lists the files changed since
the version the page has), or shows the error of a failed one until the
next good save. It is added to pages as they are served, never to the built
files.
"""

from __future__ import annotations

import http.server
import json
import os
from html import escape
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from generator.serve.state import BuildState

EVENTS = "/__digest/events"
SCRIPT = "/__digest/reload.js"
# A page reloads after a build that changed it, or a file it may use (a style
# sheet, a script, an image, the 404 page), or when it shows a build error. The
# search index's files are used by the search page alone.
RELOAD_JS = """(() => {
  const base = %(base)s;
  const pageOnly = /\\.(html|xml|json|txt|opml)$/;
  const uses = (file) =>
    file.startsWith("pagefind/") ? here() === "search/index.html" : !pageOnly.test(file);
  const here = () => {
    const path = decodeURIComponent(location.pathname).slice(base.length);
    return path === "" || path.endsWith("/") ? path + "index.html" : path;
  };
  let seen = null;
  const events = new EventSource(%(events)s);
  events.addEventListener("hello", (e) => {
    if (seen !== null && seen !== e.data) location.reload();
    seen = e.data;
  });
  events.addEventListener("reload", (e) => {
    const files = JSON.parse(e.data).files;
    if (files === null || document.getElementById("digest-build-error") ||
        files.includes(here()) || files.includes("404.html") ||
        files.some(uses)) location.reload();
  });
  events.addEventListener("build-error", (e) => {
    let box = document.getElementById("digest-build-error");
    if (!box) {
      box = document.createElement("pre");
      box.id = "digest-build-error";
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;" +
        "margin:0;padding:1rem;background:#3b0d0d;color:#ffe4e4;font:14px/1.45 monospace;" +
        "white-space:pre-wrap;z-index:2147483647;border-top:4px solid #ff6b6b";
      document.body.append(box);
    }
    const note = "digest: the build failed; fix it and save to reload";
    box.textContent = note + "\\n\\n" + JSON.parse(e.data);
  });
})();
"""


def reload_script(base_path: str) -> bytes:
    """The script added to served pages, for a site served under `base_path`."""
    return (RELOAD_JS % {"base": json.dumps(base_path), "events": json.dumps(EVENTS)}).encode()


def request_handler(
    out_dir: Path, base_path: str, state: BuildState
) -> type[http.server.BaseHTTPRequestHandler]:
    """The request handler class of a site built into `out_dir` and served under
    `base_path`, whose pages follow `state`: a class of its own for each server."""

    class Handler(_Handler):
        pass

    Handler.out_dir, Handler.base_path, Handler.state = out_dir, base_path, state
    Handler.script = reload_script(base_path)
    return Handler


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the files of `out_dir` under `base_path`, the reload script and its events.

    The class attributes are set by request_handler(), for one server.
    """

    out_dir: ClassVar[Path]
    base_path: ClassVar[str]
    state: ClassVar[BuildState]
    script: ClassVar[bytes]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(self.out_dir), **kwargs)

    timeout = 60  # seconds a connection may wait for a request, or be slow to take a reply
    head_only = False  # answering HEAD: the status and headers of GET, without the body

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        """The type of a file: feeds.opml's too, which Python's table lacks (it would go
        out as application/octet-stream)."""
        return "text/x-opml" if str(path).endswith(".opml") else super().guess_type(path)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the terminal for build output

    def do_HEAD(self) -> None:
        self.head_only = True
        self.do_GET()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS and self.head_only:
            self._send(200, "text/event-stream", b"")
            return
        if path == EVENTS:
            self._events()
        elif path == SCRIPT:
            self._send(200, "text/javascript", self.script)
        elif not path.startswith(self.base_path):
            self.send_response(302)
            self.send_header("Location", self.base_path)
            self.end_headers()
        else:
            self._file(unquote(path[len(self.base_path) :]))

    def _file(self, relative: str) -> None:
        out_dir = self.out_dir
        target = out_dir / relative
        if target.is_dir():
            if not relative.endswith("/") and relative:
                self.send_response(301)
                self.send_header("Location", f"{self.base_path}{relative}/")
                self.end_headers()
                return
            target = target / "index.html"
        inside = target.resolve().is_relative_to(out_dir.resolve())
        error = self.state.error  # once: a build may change it meanwhile
        if inside and target.is_file():
            self._send(200, self.guess_type(str(target)), target.read_bytes())
        elif error is not None:
            self._send(500, "text/html", _error_page(error))
        elif (out_dir / "404.html").is_file():
            self._send(404, "text/html", (out_dir / "404.html").read_bytes())
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, kind: str, body: bytes) -> None:
        if kind == "text/html":
            body = _with_reload_script(body)
        self.send_response(status)
        self.send_header(
            "Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") else kind
        )
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not self.head_only:
            self.wfile.write(body)

    def _events(self) -> None:
        state = self.state
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        version, error = state.version, state.error
        try:
            self._event("hello", str(version))
            if error is not None:
                self._event("build-error", json.dumps(error))
            while True:
                newer, error, files = state.wait_after(version, timeout=15)
                if newer == version:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                    continue
                version = newer
                if error is None:
                    self._event("reload", json.dumps({"version": version, "files": files}))
                else:
                    self._event("build-error", json.dumps(error))
        except OSError:  # the page went away, or stopped reading
            return

    def _event(self, name: str, data: str) -> None:
        self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode())
        self.wfile.flush()


def _with_reload_script(html: bytes) -> bytes:
    tag = f'<script src="{SCRIPT}"></script>'.encode()
    at = html.rfind(b"</body>")
    return html[:at] + tag + html[at:] if at != -1 else html + tag


def _error_page(message: str) -> bytes:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build failed</title>'
        f"</head><body><h1>The build failed</h1><pre>{escape(message)}</pre></body></html>"
    ).encode()
