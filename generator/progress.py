"""How a long stage reports how far it has got (the CLI draws a bar on a terminal)."""

from __future__ import annotations

from collections.abc import Callable

# stage, done, total: ("reading", 120, 10000)
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """A progress report that shows nothing."""
