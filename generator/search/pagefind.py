"""Pagefind, the program that indexes the site for its search page: found and run.

Pagefind (https://pagefind.app) reads the site's HTML and writes a bundle of
small files that its script, loaded by the search page, fetches a few at a
time: a search costs the reader the files of the words asked for, never the
whole index. Its extended build, which the project depends on, also splits
Chinese and Japanese text into words. The version is pinned
(pyproject.toml): the bundle's bytes depend on it.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

from generator.errors import Problem, SiteError
from generator.workers import die_with_parent, fork_is_safe

INSTALL = "pip install 'pagefind[extended]==1.5.2'"
_ORIGIN = "search index"


def executable() -> str:
    """The Pagefind program: PAGEFIND_BINARY_PATH if set (as Pagefind's own Python package
    reads it), else the one installed with digest, else one on the PATH."""
    chosen = os.environ.get("PAGEFIND_BINARY_PATH")
    if chosen:
        if not os.access(chosen, os.X_OK):
            raise _missing(f"PAGEFIND_BINARY_PATH names {chosen!r}, which is not a program")
        return chosen
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]

        return str(get_executable())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    if found is None:
        raise _missing("Pagefind, which builds the search index, is not installed")
    return found


def _missing(reason: str) -> SiteError:
    message = f"{reason}; install it with {INSTALL}, or set `search: false` in site.yaml"
    return SiteError([Problem("site.yaml", None, message)])


@functools.cache
def version(program: str) -> str:
    """What `program --version` says (such as "pagefind_extended 1.5.2")."""
    return _run([program, "--version"]).strip()


def index_site(program: str, site: Path, bundle: Path) -> None:
    """Index the HTML pages under `site` into a new Pagefind bundle at `bundle`."""
    _run([program, "--site", str(site), "--output-path", str(bundle), "--quiet"])


def _run(command: list[str]) -> str:
    """The output of `command`, which dies with this process; SiteError if it fails."""
    parent = os.getpid()
    start = (lambda: die_with_parent(parent)) if fork_is_safe() else None
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, errors="replace", preexec_fn=start
        )
    except OSError as exc:
        raise _missing(f"Pagefind ({command[0]}) could not be run: {exc.strerror}") from None
    if done.returncode != 0:
        said = " ".join((done.stderr.strip() or done.stdout.strip()).split()[-40:])
        message = f"Pagefind failed (exit status {done.returncode}): {said or 'no message'}"
        raise SiteError([Problem(_ORIGIN, None, message)])
    return done.stdout
