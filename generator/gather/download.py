"""The feeds of a fetch downloaded `connections` at once, each given `fetch_timeout`
seconds in all, handed on in site.yaml's order as soon as each one's turn comes.

No timeout of a socket bounds a whole answer: a server can send its headers a
byte a second, and a name lookup waits as long as the resolver does. So each
feed runs in a thread of its own, and the fetch stops waiting for one that has
had its time: it is a failure, its connection slot goes to the next feed, and
its thread ends when its socket gives up (or with the process). Answers are
handed on in order, each once all before it are, so that a feed's body is
held only until its turn to be imported.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from generator.gather import http
from generator.gather.state import Kept
from generator.settings.subscriptions import Gathering, Subscription

GRACE = 1.0  # seconds past fetch_timeout before a feed is given up on
_TICK = 0.1  # seconds between looks at the feeds still out


class _Slot:
    """One of the `connections` places a feed takes while it is fetched, given back when
    its answer comes or when the fetch gives up on it, whichever is first."""

    def __init__(self, gate: threading.Semaphore) -> None:
        self.gate = gate
        self.lock = threading.Lock()
        self.started: float | None = None  # when it got its place
        self.held = False

    def take(self) -> None:
        self.gate.acquire()
        with self.lock:
            self.held, self.started = True, time.monotonic()

    def give_back(self) -> None:
        with self.lock:
            if self.held:
                self.held = False
                self.gate.release()


def answers(
    chosen: Sequence[Subscription],
    kept: dict[str, Kept],
    gathering: Gathering,
    connections: int,
    progress: Callable[[str, int, int], None],
) -> Iterator[tuple[Subscription, http.Answer]]:
    """Each of `chosen` with the answer of its feed, in order."""
    gate = threading.Semaphore(connections)
    slots = [_Slot(gate) for _ in chosen]
    pool = ThreadPoolExecutor(max_workers=max(1, len(chosen)), thread_name_prefix="fetch")
    client = http.client(connections, gathering.timeout)

    def fetch_one(slot: _Slot, url: str, validators: http.Validators) -> http.Answer:
        slot.take()
        try:
            return http.get(client, url, validators, gathering.timeout, gathering.max_bytes)
        finally:
            slot.give_back()

    # Each feed's validators taken now: `kept` changes as the answers are imported.
    futures = [
        pool.submit(fetch_one, slot, s.url, kept.get(s.url, Kept()).validators)
        for slot, s in zip(slots, chosen, strict=True)
    ]
    came: dict[int, http.Answer] = {}
    try:
        for number in range(len(chosen)):
            while number not in came:
                _collect(futures, slots, chosen, came, number, gathering.timeout)
                progress("fetching", number + len(came), len(chosen))
            yield chosen[number], came.pop(number)  # its body goes once it is imported
    finally:  # every answer handed on, or Ctrl-C: no waiting for feeds still out
        pool.shutdown(wait=False, cancel_futures=True)
        client.close()  # which ends what those feeds were reading
        progress("done", len(chosen), len(chosen))


def _collect(
    futures: Sequence[Future[http.Answer]],
    slots: Sequence[_Slot],
    chosen: Sequence[Subscription],
    came: dict[int, http.Answer],
    first: int,
    timeout: float,
) -> None:
    """Wait a moment for answers to the feeds from number `first` on (those before it
    are handed on); take those that came, and give up on each that has had its time."""
    out = [number for number in range(first, len(futures)) if number not in came]
    wait([futures[number] for number in out], timeout=_TICK, return_when=FIRST_COMPLETED)
    now = time.monotonic()
    for number in out:
        if futures[number].done():
            came[number] = _result(futures[number], chosen[number])
            continue
        started = slots[number].started
        if started is not None and now - started > timeout + GRACE:
            slots[number].give_back()
            failure = f"no answer within {timeout:g} s (fetch_timeout)"
            came[number] = http.Answer(chosen[number].url, failure=failure)


def _result(future: Future[http.Answer], subscription: Subscription) -> http.Answer:
    try:
        return future.result()
    except Exception as exc:  # a bug of digest's, in one feed: the others go on
        failure = f"internal error: {type(exc).__name__}: {exc}"
        return http.Answer(subscription.url, failure=failure)
