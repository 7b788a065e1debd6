"""Spreading independent work over every core.

Reading articles (Python-Markdown) and rendering pages (Jinja2) are most of
a build, and each article or page is done on its own, so both are spread
over a pool of processes. Results come back in the order of the inputs, so
the build is the same whatever the number of jobs.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Self, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.context import BaseContext

In = TypeVar("In")
Out = TypeVar("Out")

MIN_PER_JOB = 50  # fewer items than this per process are faster done in this one


def default_jobs() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def ordered_map(function: Callable[[In], Out], items: Sequence[In], jobs: int) -> Iterator[Out]:
    """`function` applied to each item, in order, over up to `jobs` processes.

    `function` must be picklable (a module-level function or a method of a
    picklable object); small inputs are done here without starting a pool.
    """
    jobs = min(jobs, len(items) // MIN_PER_JOB)
    if jobs <= 1:
        yield from map(function, items)
        return
    chunk = max(1, len(items) // (jobs * 8))
    with _pool(jobs) as pool:
        yield from pool.map(function, items, chunksize=chunk)


def _fork_is_safe() -> bool:
    """Whether this process can fork: it has fork and no other threads (a fork copies a
    lock another thread may hold)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of `jobs` processes (imported here: a build with little to do starts none,
    and multiprocessing takes ~10 ms to import)."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(jobs, _context(), initializer=gc.enable)


def _context() -> BaseContext:
    """Fork where it is safe (a single thread, as in `digest build`), else a fork server.

    `digest serve` has threads; forking it could copy a lock some thread holds.
    """
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and _fork_is_safe():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


# The work of a forked pool: set just before the pool forks, so the workers
# inherit it (with everything it refers to) instead of receiving it pickled.
_FORKED_WORK: Callable[[int], Any] | None = None


def forked_map(function: Callable[[int], Out], count: int, jobs: int) -> list[Out]:
    """[function(0), ..., function(count - 1)] over up to `jobs` forked processes.

    For work whose inputs are costly to pickle (pages that refer to the whole
    site): the workers inherit `function` through fork. Without fork, or in a
    process with threads, it runs here.
    """
    jobs = min(jobs, count // MIN_PER_JOB)
    if jobs <= 1 or _context().get_start_method() != "fork":
        return [function(i) for i in range(count)]
    global _FORKED_WORK
    _FORKED_WORK = function
    # The garbage collector writes into every object it visits, which would
    # make each worker copy the pages it shares with this process: it leaves
    # the objects that exist now alone.
    gc.freeze()
    try:
        size = max(1, -(-count // (jobs * 4)))
        bounds = [(start, min(start + size, count)) for start in range(0, count, size)]
        with _pool(jobs) as pool:
            return [result for part in pool.map(_run_slice, bounds) for result in part]
    finally:
        gc.unfreeze()
        _FORKED_WORK = None


def _run_slice(bounds: tuple[int, int]) -> list[Any]:
    work = _FORKED_WORK
    assert work is not None, "forked_map's work was not inherited"
    return [work(i) for i in range(*bounds)]


class Forked:
    """Functions run one after another in a forked process while this one goes on,
    for work that waits on the file system more than it runs Python: each result
    comes back pickled when it is asked for.

    Use it as a context manager: leaving it stops the process if it is still at
    work. Where forking is unsafe (no fork, or other threads, as in `digest
    serve`), or the forked process fails, a function runs here when its result
    is first asked for.
    """

    def __init__(self, *functions: Callable[[], object], fork: bool = True) -> None:
        self._functions = functions
        self._results: list[object] = []
        self._stream: IO[bytes] | None = None
        self._pid: int | None = None
        if fork and _fork_is_safe():
            self._fork()

    def result(self, index: int) -> object:
        """What function `index` returned (or raise what it raised, run here)."""
        while len(self._results) <= index and self._stream is not None:
            try:
                self._results.append(pickle.load(self._stream))
            except Exception:  # the process failed: the rest is done here
                self.close()
        while len(self._results) <= index:
            self._results.append(self._functions[len(self._results)]())
        return self._results[index]

    def close(self) -> None:
        """Stop the forked process, if it is still at work, and wait for it."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _fork(self) -> None:
        reading, writing = os.pipe()
        pid = os.fork()
        if pid == 0:  # the forked process: answer, then leave without running any cleanup
            try:
                os.close(reading)
                with os.fdopen(writing, "wb") as stream:
                    for function in self._functions:
                        pickle.dump(function(), stream, protocol=pickle.HIGHEST_PROTOCOL)
                        stream.flush()
            finally:
                os._exit(0)
        os.close(writing)
        self._pid, self._stream = pid, os.fdopen(reading, "rb")
