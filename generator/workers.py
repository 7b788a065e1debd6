"""Worker processes that end with the process that started them.

A build spreads its work over forked processes (parallel.py). Killed
(SIGKILL, or an ended terminal), the build could otherwise leave them
running, orphaned, writing into a staging folder nobody will swap in: on
Linux the kernel is asked to kill each of them with its parent. Ctrl-C and
SIGTERM are left to the parent, which stops its workers itself.
"""

from __future__ import annotations

import functools
import gc
import os
import signal
import sys
from collections.abc import Callable


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
