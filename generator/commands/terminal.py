"""What a build shows on the terminal while it runs: a progress bar, and the time of each stage."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


class ProgressBar:
    """A one-line progress bar on stderr, drawn only on a terminal and at most 10 times a second."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        # Nothing in the first half second, so that short builds stay quiet.
        self.drawn_at = time.monotonic()
        self.visible = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if stage == "done":
            if self.visible:
                sys.stderr.write("\r\033[K")
            return
        if now - self.drawn_at < 0.1 or (not self.visible and now - self.drawn_at < 0.5):
            return
        self.drawn_at, self.visible = now, True
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "." * (width - filled)
        sys.stderr.write(f"\r[{bar}] {stage} {done}/{total}\033[K")
        sys.stderr.flush()


class StageClock:
    """A progress report that also times each stage of the build, for --profile."""

    def __init__(self, inner: Callable[[str, int, int], None]) -> None:
        self.inner = inner
        self.current, self.since = "starting", time.perf_counter()
        self.seconds: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.current:
            now = time.perf_counter()
            self.seconds[self.current] = self.seconds.get(self.current, 0.0) + now - self.since
            self.current, self.since = stage, now
        self.inner(stage, done, total)

    def report(self) -> str:
        total = sum(self.seconds.values()) or 1.0
        rows = [
            f"  {name:<11} {s:7.2f} s  {100 * s / total:3.0f}%" for name, s in self.seconds.items()
        ]
        return "time by stage:\n" + "\n".join(rows)
