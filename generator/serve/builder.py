"""The builds of `digest serve`: a child process that runs them (and keeps the last
one, for previews of the next), and the outcomes it reports.

An edited article is shown first on its own (preview.py), before the build
that brings the rest of the site up to date.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from generator.errors import SiteError
from generator.incremental.build import assemble_from_cache, build
from generator.parallel import collector_paused
from generator.pipeline import BuildOptions, output_dir
from generator.serve.preview import LastBuild, preview


@dataclass(frozen=True)
class Outcome:
    """What a build of `serve` says: its summary line, or why it failed.

    A preview (see preview.py) comes before the build it is the first look of.
    """

    summary: str = ""
    error: str | None = None
    heading: str = ""
    preview: bool = False
    files: tuple[str, ...] | None = None  # the output files it changed, if known


Report = Callable[[Outcome], None]


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
            report(Outcome(summary=summary, preview=True, files=tuple(files)))
        try:
            with collector_paused():
                result = build(options)
        except SiteError as exc:
            report(Outcome(error=str(exc), heading="build failed"))
            return
        except Exception:  # keep serving; the next save may fix it
            report(
                Outcome(error=traceback.format_exc(), heading="internal error (a bug in digest)")
            )
            return
        report(Outcome(summary=result.summary(), files=result.report.changed))
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


class Builder:
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
                    outcome: Outcome = self.connection.recv()
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
