"""Spreading independent work over every core.

Reading articles (Python-Markdown) and rendering pages (Jinja2) are most of
a build, and each article or page is done on its own, so both are spread
over a pool of processes. Results come back in the order of the inputs, so
the build is the same whatever the number of jobs. Work that waits on the
file system while this process runs Python (looking at the output folder
during a build after an edit) goes to one forked process (`Forked`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, NoReturn, Self, TypeVar

from generator.workers import (
    die_with_parent,
    fork_is_safe,
    pool,
    pool_context,
    prepare_parent_death,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

In = TypeVar("In")
Out = TypeVar("Out")

MIN_PER_JOB = 50  # fewer items than this per process are faster done in this one
# Articles to read are handed out in slices, so that a process that is done
# early takes the next: small enough that the last ones leave little to wait
# for, big enough that handing them out costs little.
SLICES_PER_JOB = 32


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while in this block.

    A build keeps a million objects or so alive to its end and makes few
    reference cycles, so the collector, which would go through the growing
    heap again and again, is paused in the process that runs it (a tenth of
    a build after an edit); the worker processes run it as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    chunk = max(1, len(items) // (jobs * SLICES_PER_JOB))
    with pool(jobs) as workers:
        yield from workers.map(function, items, chunksize=chunk)


Done = Callable[[int], None]  # told how many of a forked_map's items are done
REPORT_EVERY = 64  # items done in this process between two reports

# The work of a forked pool: set just before the pool forks, so the workers
# inherit it (with everything it refers to) instead of receiving it pickled.
_FORKED_WORK: Callable[[int], Any] | None = None


def forked_map(
    function: Callable[[int], Out], count: int, jobs: int, done: Done | None = None
) -> list[Out]:
    """[function(0), ..., function(count - 1)] over up to `jobs` forked processes.

    For work whose inputs are costly to pickle (pages that refer to the whole
    site): the workers inherit `function` through fork. Without fork, or in a
    process with threads, it runs here. `done` is told how many are done as
    they get done: here, every `REPORT_EVERY`; over processes, as each slice
    comes back (counted here, so the workers report nothing).
    """
    done = done or _nothing
    jobs = min(jobs, count // MIN_PER_JOB)
    if jobs <= 1 or pool_context().get_start_method() != "fork":
        return [_counted(function, i, done) for i in range(count)]
    global _FORKED_WORK
    _FORKED_WORK = function
    # The garbage collector writes into every object it visits, which would
    # make each worker copy the pages it shares with this process: it leaves
    # the objects that exist now alone.
    gc.freeze()
    try:
        bounds = guided_slices(count, jobs)
        with pool(jobs) as workers:
            return _gathered(bounds, [workers.submit(_run_slice, b) for b in bounds], done)
    finally:
        gc.unfreeze()
        _FORKED_WORK = None


def _nothing(done: int) -> None:
    """A forked_map's report that goes nowhere."""


def _counted(function: Callable[[int], Out], index: int, done: Done) -> Out:
    result = function(index)
    if not (index + 1) % REPORT_EVERY:
        done(index + 1)
    return result


def _gathered(
    bounds: list[tuple[int, int]], slices: list[Future[list[Any]]], done: Done
) -> list[Any]:
    """The results of the slices `bounds`, in order, each counted done as it comes."""
    from concurrent.futures import as_completed

    finished = 0
    for piece in as_completed(slices):
        finished += len(piece.result())
        done(finished)
    return [result for piece in slices for result in piece.result()]


def guided_slices(count: int, jobs: int, smallest: int = 16) -> list[tuple[int, int]]:
    """range(count) in slices that shrink as they go, each a share of what is left.

    A process that is done takes the next slice: the first ones are big, so
    handing them out costs little, and the last ones small, so no process waits
    long for the others at the end. Work put costliest first gains most.
    """
    bounds, start, smallest, jobs = [], 0, max(1, smallest), max(1, jobs)
    while start < count:
        size = max(smallest, (count - start) // (2 * jobs))
        bounds.append((start, min(start + size, count)))
        start += size
    return bounds


def _run_slice(bounds: tuple[int, int]) -> list[Any]:
    work = _FORKED_WORK
    assert work is not None, "forked_map's work was not inherited"
    return [work(i) for i in range(*bounds)]


class Forked:
    """Functions run one after another in a forked process while this one goes on,
    for work that waits on the file system more than it runs Python: each result
    comes back pickled when it is asked for.

    Functions from `waiting` on start only when `go` is called (or their result
    is asked for): what they look at is then as recent as the caller needs.
    Use it as a context manager: leaving it stops the process if it is still
    at work. Where forking is unsafe (no fork, or other threads, as in `digest
    serve`), or the forked process fails, a function runs here when its
    result is first asked for.
    """

    def __init__(
        self, *functions: Callable[[], object], fork: bool = True, waiting: int | None = None
    ) -> None:
        self._functions = functions
        self._waiting = len(functions) if waiting is None else waiting
        self._results: list[object] = []
        self._stream: IO[bytes] | None = None
        self._go: int | None = None  # the pipe that lets the waiting functions start
        self._pid: int | None = None
        if fork and fork_is_safe():
            self._fork()

    def go(self) -> None:
        """Let the waiting functions start."""
        if self._go is not None:
            with contextlib.suppress(OSError):  # the process is gone: done here if asked
                os.write(self._go, b"!")
            os.close(self._go)
            self._go = None

    def result(self, index: int) -> object:
        """What function `index` returned (or raise what it raised, run here)."""
        if index >= self._waiting:
            self.go()
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
        if self._go is not None:
            os.close(self._go)
            self._go = None
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
        """Start the forked process; if the system cannot, the work is done here.

        Ctrl-C and SIGTERM are held back while forking, so that they can neither
        leave a forked process running this one's code nor pipes without their
        process.
        """
        prepare_parent_death()
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            self._start(held)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def _start(self, held: set[int | signal.Signals]) -> None:
        opened: list[int] = []
        parent = os.getpid()
        try:
            opened += os.pipe()  # results: read here, written there
            opened += os.pipe()  # go: read there, written here
            pid = os.fork()
        except OSError:  # no pipe or process to be had: the work is done here
            for fd in opened:
                os.close(fd)
            return
        results_in, results_out, go_in, go_out = opened
        if pid == 0:
            die_with_parent(parent)
            self._answer(results_out, go_in, held, closing=(results_in, go_out))
        os.close(results_out)
        os.close(go_in)
        self._pid, self._go = pid, go_out
        self._stream = os.fdopen(results_in, "rb")

    def _answer(
        self, results: int, go: int, held: set[int | signal.Signals], closing: tuple[int, int]
    ) -> NoReturn:
        """The forked process: answer, then leave without running any of this one's code."""
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it, quietly
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # as does SIGTERM
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            for fd in closing:
                os.close(fd)
            with os.fdopen(results, "wb") as stream:
                for index, function in enumerate(self._functions):
                    if index == self._waiting and not os.read(go, 1):
                        break  # never let go: nothing more is wanted
                    pickle.dump(function(), stream, protocol=pickle.HIGHEST_PROTOCOL)
                    stream.flush()
        finally:
            os._exit(0)
