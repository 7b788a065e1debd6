"""`digest serve`: build, serve over HTTP, rebuild on every save, reload open pages.

The site is built into `.digest-cache/serve/` (or `--output`), never into
the output folder you publish, so drafts shown while serving cannot leak into
a deploy. Pages are served under the base URL's path, as they will be
published. A small script is added to each HTML response (never to the built
files): it listens on `/__digest/events` and reloads the page after a good
rebuild that changed it (each `reload` event lists the files changed since
the version the page has), or shows the error of a failed one until the
next good save. An edited article is shown first on its own (preview.py).

This module starts the pieces and runs the rebuilds: the HTTP side is in
handler.py, the build process in builder.py, the outcomes pages wait for in
state.py and the watching of the site's files in watch.py.
"""

from __future__ import annotations

import errno
import http.server
import queue
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from generator.errors import Problem, SiteError
from generator.incremental.store import serve_output
from generator.pipeline import BuildOptions
from generator.serve.builder import Builder, Outcome
from generator.serve.handler import request_handler
from generator.serve.state import BuildState
from generator.serve.watch import watch
from generator.settings.config import load_config
from generator.urls import Urls

QUIET_PERIOD = 0.1  # seconds to let a burst of file events settle before rebuilding


@dataclass(frozen=True)
class ServeOptions:
    site_dir: Path
    port: int = 8000
    bind: str = "127.0.0.1"
    drafts: bool = True
    output_dir: Path | None = None
    quiet: bool = False


def serve(options: ServeOptions) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    site_dir = options.site_dir
    base_path = Urls(load_config(site_dir).base_url, "/{slug}/").base_path
    out_dir = options.output_dir or serve_output(site_dir)
    builder = Builder()  # before any thread starts
    state = BuildState()
    handler = request_handler(out_dir, base_path, state)
    server = _listen(options.bind, options.port, handler)
    host, port = str(server.server_address[0]), int(server.server_address[1])
    local = BuildOptions(
        site_dir=site_dir,
        output_dir=out_dir,
        base_url=f"http://{host}:{port}{base_path}",
        drafts=options.drafts,
        future=options.drafts,
        wait=True,  # for a `digest build` of the site running meanwhile, not fail
    )
    changes: queue.Queue[str] = queue.Queue()
    observer = watch(site_dir, changes)
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


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a connection left open does not keep digest running
    request_queue_size = 128  # connections waiting to be taken, beyond the default 5


def _listen(bind: str, port: int, handler: type[http.server.BaseHTTPRequestHandler]) -> _Server:
    """A server listening on `bind`:`port`; a SiteError saying why it cannot."""
    try:
        return _Server((bind, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            message = f"port {port} of {bind} is in use; stop what uses it or give another --port"
        elif exc.errno == errno.EADDRNOTAVAIL:
            message = f"{bind} is not an address of this machine; give another --bind"
        elif isinstance(exc, socket.gaierror):
            message = f"--bind {bind}: no such address ({exc.strerror})"
        elif exc.errno == errno.EACCES:
            message = f"not allowed to listen on port {port}; give one above 1023 with --port"
        else:
            message = f"cannot listen on {bind}:{port}: {exc.strerror or exc}"
        raise SiteError([Problem("command line", None, message)]) from None


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _rebuild(
    builder: Builder,
    options: BuildOptions,
    state: BuildState,
    quiet: bool,
    changed: Sequence[str] = (),
) -> None:
    def report(outcome: Outcome) -> None:
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
    builder: Builder,
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
