"""`digest serve`: build, serve over HTTP, rebuild on every save, reload open pages.

The site is built into `.digest-cache/serve/` (or `--output`), never into
the output folder you publish, so drafts shown while serving cannot leak into
a deploy. Pages are served under the base URL's path, as they will be
published. A small script is added to each HTML response (never to the built
files): it listens on `/__digest/events` and reloads the page after a good
rebuild that changed it (each `reload` event lists the files changed since
the version the page has), or shows the error of a failed one until the
next good save. An edited article is shown first on its own (preview.py).
"""

from __future__ import annotations

import contextlib
import http.server
import json
import multiprocessing
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.errors import SiteError
from generator.incremental.build import assemble_from_cache, build
from generator.incremental.store import serve_output
from generator.parallel import collector_paused
from generator.pipeline import BuildOptions, output_dir
from generator.serve.preview import LastBuild, preview
from generator.settings.config import CONFIG_FILE, load_config
from generator.urls import Urls

EVENTS = "/__digest/events"
SCRIPT = "/__digest/reload.js"
QUIET_PERIOD = 0.1  # seconds to let a burst of file events settle before rebuilding
MAX_LISTED = 1000  # more files changed than this: every open page reloads
KEPT_VERSIONS = 100  # builds whose changed files are kept, for pages a few builds behind
# A page reloads after a build that changed it, or a file it may use (a style
# sheet, a script, an image, the 404 page), or when it shows a build error.
RELOAD_JS = """(() => {
  const base = %s;
  const pageOnly = /\\.(html|xml|json|txt)$/;
  const here = () => {
    const path = decodeURIComponent(location.pathname).slice(base.length);
    return path === "" || path.endsWith("/") ? path + "index.html" : path;
  };
  let seen = null;
  const events = new EventSource("/__digest/events");
  events.addEventListener("hello", (e) => {
    if (seen !== null && seen !== e.data) location.reload();
    seen = e.data;
  });
  events.addEventListener("reload", (e) => {
    const files = JSON.parse(e.data).files;
    if (files === null || document.getElementById("digest-build-error") ||
        files.includes(here()) || files.includes("404.html") ||
        files.some((file) => !pageOnly.test(file))) location.reload();
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
    return (RELOAD_JS % json.dumps(base_path)).encode()


@dataclass(frozen=True)
class ServeOptions:
    site_dir: Path
    port: int = 8000
    bind: str = "127.0.0.1"
    drafts: bool = True
    output_dir: Path | None = None
    quiet: bool = False


class BuildState:
    """The outcome of the latest build, what recent builds changed, and a way to wait
    for the next one."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.version = 0
        self.error: str | None = None
        self.files: dict[int, tuple[str, ...] | None] = {}  # version -> files it changed

    def publish(self, error: str | None, files: tuple[str, ...] | None = None) -> None:
        """A new outcome; `files` are the output files it changed, None if not known."""
        with self._changed:
            self.version += 1
            self.error = error
            self.files[self.version] = files
            self.files.pop(self.version - KEPT_VERSIONS, None)
            self._changed.notify_all()

    def wait_after(self, version: int, timeout: float) -> tuple[int, str | None, list[str] | None]:
        """The state once it is newer than `version`, or as it is after `timeout`, with
        the files changed since `version` (None: any file may have)."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != version, timeout)
            changed: set[str] = set()
            for newer in range(version + 1, self.version + 1):
                files = self.files.get(newer)
                if files is None:
                    return self.version, self.error, None
                changed.update(files)
            if len(changed) > MAX_LISTED:
                return self.version, self.error, None
            return self.version, self.error, sorted(changed)


def serve(options: ServeOptions) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    site_dir = options.site_dir
    base_path = Urls(load_config(site_dir).base_url, "/{slug}/").base_path
    out_dir = options.output_dir or serve_output(site_dir)
    builder = _Builder()  # before any thread starts
    state = BuildState()
    handler = _handler(out_dir, base_path, state)
    server = http.server.ThreadingHTTPServer((options.bind, options.port), handler)
    server.daemon_threads = True
    host, port = str(server.server_address[0]), int(server.server_address[1])
    local = BuildOptions(
        site_dir=site_dir,
        output_dir=out_dir,
        base_url=f"http://{host}:{port}{base_path}",
        drafts=options.drafts,
        future=options.drafts,
    )
    changes: queue.Queue[str] = queue.Queue()
    observer = _watch(site_dir, changes)
    signal.signal(signal.SIGTERM, _stop)
    try:
        _rebuild(builder, local, state, options.quiet)
        print(f"serving {local.base_url} (Ctrl-C to stop)", flush=True)
        threading.Thread(
            target=_rebuild_on_change,
            args=(changes, builder, local, state, options.quiet),
            daemon=True,
        ).start()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        server.server_close()
        builder.close()


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@dataclass(frozen=True)
class _Outcome:
    """What a build of `serve` says: its summary line, or why it failed.

    A preview (see preview.py) comes before the build it is the first look of.
    """

    summary: str = ""
    error: str | None = None
    heading: str = ""
    preview: bool = False
    files: tuple[str, ...] | None = None  # the output files it changed, if known


Report = Callable[[_Outcome], None]


class _Session:
    """The builds of one `serve`, keeping the last good one for previews of the next."""

    def __init__(self) -> None:
        self.last: LastBuild | None = None

    def run(self, options: BuildOptions, changed: Sequence[str], report: Report) -> None:
        """Preview the changed articles if that can be done, then build; report each."""
        last, self.last = self.last, None  # not kept alive while the next site is built
        files = _preview_quietly(last, changed) if last is not None and changed else []
        del last
        if files:
            summary = f"previewed {', '.join(files)}"
            report(_Outcome(summary=summary, preview=True, files=tuple(files)))
        try:
            with collector_paused():
                result = build(options)
        except SiteError as exc:
            report(_Outcome(error=str(exc), heading="build failed"))
            return
        except Exception:  # keep serving; the next save may fix it
            report(
                _Outcome(error=traceback.format_exc(), heading="internal error (a bug in digest)")
            )
            return
        report(_Outcome(summary=result.summary(), files=result.report.changed))
        out_dir = output_dir(options)
        site, env = result.site, result.env
        if site is None or env is None:  # nothing was built (the output was up to date)
            with contextlib.suppress(Exception):
                site, env = assemble_from_cache(options)
        if site is not None and env is not None:
            self.last = LastBuild(options.site_dir, out_dir, site, env)


def _preview_quietly(last: LastBuild, changed: Sequence[str]) -> list[str]:
    try:
        return preview(last, [Path(path) for path in changed])
    except Exception:  # a bug in the preview: the build that follows still runs
        return []


class _Builder:
    """Runs the builds of `serve` in a child process made before serve starts any thread.

    A build renders pages in forked worker processes, and forking a process
    that has threads (the server's, the watcher's) is unsafe; the child has
    none, and stays up between builds, keeping the last build for previews.
    Without fork, builds run here, in one process.
    """

    def __init__(self) -> None:
        self.connection: Connection | None = None
        self.session = _Session()  # for builds in this process
        if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
            context = multiprocessing.get_context("fork")
            self.connection, child = context.Pipe()
            # Not a daemon: it forks workers of its own. It ends when the server
            # closes its end of the pipe, or with the server (close()).
            self.process = context.Process(target=_build_forever, args=(child, self.connection))
            self.process.start()
            child.close()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.process.join(timeout=5)
            if self.process.is_alive():
                self.process.terminate()

    def __call__(self, options: BuildOptions, changed: Sequence[str], report: Report) -> None:
        """Build (in the child if there is one), reporting a preview first if one was made."""
        if self.connection is not None:
            try:
                self.connection.send((options, tuple(changed)))
                while True:
                    outcome: _Outcome = self.connection.recv()
                    report(outcome)
                    if not outcome.preview:
                        return
            except (EOFError, OSError):  # the child died (killed, out of memory): go on here
                print("the build process ended; building in this one", file=sys.stderr)
                self.connection = None
        self.session.run(options, changed, report)


def _build_forever(connection: Connection, servers_end: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which ends this
    servers_end.close()  # so that the server closing it ends the loop below
    session = _Session()
    with contextlib.suppress(EOFError, OSError):  # the server has closed its end
        while True:
            options, changed = connection.recv()
            session.run(options, changed, connection.send)


def _rebuild(
    builder: _Builder,
    options: BuildOptions,
    state: BuildState,
    quiet: bool,
    changed: Sequence[str] = (),
) -> None:
    def report(outcome: _Outcome) -> None:
        if outcome.error is not None:
            print(f"{outcome.heading}:\n{outcome.error}", file=sys.stderr, flush=True)
            state.publish(outcome.error)
            return
        if not quiet:
            print(outcome.summary, flush=True)
        state.publish(None, outcome.files)

    builder(options, changed, report)


def _rebuild_on_change(
    changes: queue.Queue[str],
    builder: _Builder,
    options: BuildOptions,
    state: BuildState,
    quiet: bool,
) -> None:
    while True:
        changed = [changes.get()]
        try:
            while True:  # a save often comes as several events
                changed.append(changes.get(timeout=QUIET_PERIOD))
        except queue.Empty:
            pass
        if not quiet:
            print(f"changed: {changed[0]}", flush=True)
        _rebuild(builder, options, state, quiet, sorted(set(changed)))


class _SiteChanges(FileSystemEventHandler):
    """Puts the path of every change to content/, layouts/ or site.yaml in a queue."""

    def __init__(self, site_dir: Path, changes: queue.Queue[str]) -> None:
        self.watched = [(site_dir / "content").resolve(), (site_dir / "layouts").resolve()]
        self.config = (site_dir / CONFIG_FILE).resolve()
        self.changes = changes
        self.appeared: queue.Queue[Path] = queue.Queue()  # watched folders made while serving

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(str(raw)).resolve()
            if path in self.watched and event.event_type in ("created", "moved"):
                self.appeared.put(path)
            if path == self.config or any(path.is_relative_to(d) for d in self.watched):
                self.changes.put(str(path))
                return


def _watch(site_dir: Path, changes: queue.Queue[str]) -> Any:
    """Watch content/, layouts/ and site.yaml, and nothing else of the site folder.

    The build cache and the output folder are written to by every build, tens
    of thousands of files on a big site: watching them would flood the
    queue of file events (and could lose the one that matters).
    """
    handler = _SiteChanges(site_dir, changes)
    observer = Observer()
    observer.schedule(handler, str(site_dir.resolve()), recursive=False)  # site.yaml, new folders
    watches = {}
    for folder in handler.watched:
        if folder.is_dir():
            watches[folder] = observer.schedule(handler, str(folder), recursive=True)
    observer.daemon = True
    observer.start()
    threading.Thread(
        target=_watch_new_folders, args=(observer, handler, watches), daemon=True
    ).start()
    return observer


def _watch_new_folders(observer: Any, handler: _SiteChanges, watches: dict[Path, Any]) -> None:
    """Watch content/ or layouts/ again when it is made (or moved into place) while serving.

    The watch of a folder that was deleted or moved away is stale: it is dropped first.
    """
    while True:
        folder = handler.appeared.get()
        if folder in watches:
            with contextlib.suppress(KeyError):
                observer.unschedule(watches.pop(folder))
        if folder.is_dir():
            watches[folder] = observer.schedule(handler, str(folder), recursive=True)


def _handler(
    out_dir: Path, base_path: str, state: BuildState
) -> type[http.server.BaseHTTPRequestHandler]:
    script = reload_script(base_path)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(out_dir), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the terminal for build output

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == EVENTS:
                self._events()
            elif path == SCRIPT:
                self._send(200, "text/javascript", script)
            elif not path.startswith(base_path):
                self.send_response(302)
                self.send_header("Location", base_path)
                self.end_headers()
            else:
                self._file(unquote(path[len(base_path) :]))

        def _file(self, relative: str) -> None:
            target = out_dir / relative
            if target.is_dir():
                if not relative.endswith("/") and relative:
                    self.send_response(301)
                    self.send_header("Location", f"{base_path}{relative}/")
                    self.end_headers()
                    return
                target = target / "index.html"
            inside = target.resolve().is_relative_to(out_dir.resolve())
            if inside and target.is_file():
                self._send(200, self.guess_type(str(target)), target.read_bytes())
            elif state.error is not None:
                self._send(500, "text/html", _error_page(state.error))
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
            self.wfile.write(body)

        def _events(self) -> None:
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
            except (BrokenPipeError, ConnectionResetError):
                return

        def _event(self, name: str, data: str) -> None:
            self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode())
            self.wfile.flush()

    return Handler


def _with_reload_script(html: bytes) -> bytes:
    tag = f'<script src="{SCRIPT}"></script>'.encode()
    at = html.rfind(b"</body>")
    return html[:at] + tag + html[at:] if at != -1 else html + tag


def _error_page(message: str) -> bytes:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build failed</title>'
        f"</head><body><h1>The build failed</h1><pre>{escape(message)}</pre></body></html>"
    ).encode()
