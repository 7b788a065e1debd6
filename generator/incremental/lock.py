"""One build of a site at a time: a lock on its cache and output, held for the whole build.

Two builds at once (a cron build while an editor builds, or `serve` and
`build`) would each stage, swap and record over the other and could leave
an output folder, spare and record that belong to neither, which later
builds would keep. So every build, with the cache or without it, first
takes an exclusive `flock` on `.digest-cache/lock`; a second build fails at
once saying which process holds it, or, asked to wait, waits for it. The
lock goes with its process, however that ends (killed included), so it is
never stale; the pid written into the file is only for the message.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from generator.errors import Problem, SiteError
from generator.incremental.store import CACHE_DIR

LOCK_NAME = "lock"
# Where the file system cannot hold the lock (a read-only site folder, built elsewhere
# with --no-cache), nothing of the site's can be written either: the build goes on.
_NO_LOCK_HERE = (errno.EROFS, errno.EACCES, errno.EPERM)


FETCH_LOCK_NAME = "fetch.lock"  # `digest fetch`: two at once would import an entry twice


def lock_file(site_dir: Path, name: str = LOCK_NAME) -> Path:
    """The file every build of `site_dir` locks (or every fetch, `name` FETCH_LOCK_NAME)."""
    return site_dir / CACHE_DIR / name


@contextlib.contextmanager
def build_lock(
    site_dir: Path, wait: bool = False, required: bool = True, name: str = LOCK_NAME
) -> Iterator[None]:
    """Hold the site's build lock (or the lock `name`) in this block; raise SiteError if
    another build holds it, or with `wait`, wait until it lets go.

    `required`: fail if the lock file cannot be made at all (a cached build,
    which writes there anyway); a build without the cache goes on without it.
    """
    path = lock_file(site_dir, name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)  # a folder in the lock file's place: no build holds that
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if required or exc.errno not in _NO_LOCK_HERE:
            raise
        yield
        return
    try:
        _take(fd, path, wait, "build" if name == LOCK_NAME else "fetch")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # lets go of the lock


def _take(fd: int, path: Path, wait: bool, doing: str) -> None:
    """Lock `fd`, waiting for it with `wait`; else fail naming the holder."""
    if wait:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
        message = f"another {doing} of this site is running (pid {holder}); wait for it"
        message += ", or build with --wait" if doing == "build" else ""
        raise SiteError([Problem(str(path), None, message)]) from None
