"""Spreading independent work over every core.

Python-Markdown is the cost of a build, and each article is rendered on its
own, so articles are read in a pool of processes. Results come back in the
order of the inputs, so the build is the same whatever the number of jobs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

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
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(function, items, chunksize=chunk)
