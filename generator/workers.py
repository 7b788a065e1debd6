"""The worker processes parallel.py spreads work over, which end with their parent.

Work goes to a pool of processes, forked where that is safe. A build
killed (SIGKILL, or an ended terminal) could otherwise leave them running,
orphaned, writing into a staging folder nobody will swap in: on Linux the
kernel is asked to kill each forked one with its parent. Ctrl-C and
SIGTERM are left to the parent, which kills its workers as it unwinds.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.context import BaseContext


def fork_is_safe() -> bool:
    """Whether this process can fork: it has fork and no other threads (a fork copies a
    lock another thread may hold)."""
    return hasattr(os, "fork") and threading.active_count() == 1


@contextlib.contextmanager
def pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of `jobs` processes, gone when the block is left (imported here: a build
    with little to do starts none, and multiprocessing takes ~10 ms to import).

    Left by an exception (Ctrl-C, SIGTERM, an error, or an `ordered_map` not read
    to its end), the workers are killed at once rather than let finish the work
    handed out, so that an interrupted build stops within moments.
    """
    from concurrent.futures import ProcessPoolExecutor

    context = pool_context()
    # Forked workers die with this process (a pool of a fork server has that server
    # for its parent, and ends with it).
    parent = os.getpid() if context.get_start_method() == "fork" else None
    prepare_parent_death()
    workers = ProcessPoolExecutor(jobs, context, initializer=worker_start, initargs=(parent,))
    try:
        yield workers
    except BaseException:
        # Their pids: Python 3.14 has terminate_workers(); before it, no public way.
        for pid in list(getattr(workers, "_processes", None) or {}):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        workers.shutdown(wait=True, cancel_futures=True)
        raise
    workers.shutdown(wait=True)


def pool_context() -> BaseContext:
    """Fork where it is safe (a single thread, as in `digest build`), else a fork server.

    `digest serve` has threads; forking it could copy a lock some thread holds.
    """
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and fork_is_safe():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def worker_start(parent: int | None) -> None:
    """Each worker of a pool, before its first piece of work: Ctrl-C and SIGTERM are for
    the process that runs the pool (which stops the workers), and a forked worker
    dies with it."""
    gc.enable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if parent is not None:
        die_with_parent(parent)


def prepare_parent_death() -> None:
    """Load what `die_with_parent` needs here, once, so that forked processes inherit it
    rather than each load it."""
    _prctl()


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """Linux's prctl(2), or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
        return prctl
    except (OSError, AttributeError):
        return None


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this forked process when its parent `parent` ends, however it
    ends (SIGKILL included), so that no worker of a killed build is left running.

    Called right after the fork: if the parent ended before the call, this
    process is already another's child, and ends now. (Linux; elsewhere, the
    check alone.)
    """
    prctl = _prctl()
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
