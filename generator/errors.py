"""Problems found in a site's input, and the exception that carries them.

A problem names the file and, where known, the line: `path:line: message`,
the form editors and terminals turn into a link.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One error, or a warning that does not stop the build, about one input file."""

    path: str
    line: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {'warning: ' if self.warning else ''}{self.message}"


class SiteError(Exception):
    """The site cannot be built; `problems` lists every reason found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.path, p.line or 0, p.message)))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[SiteError], tuple[tuple[Problem, ...]]]:
        """Pickle by problems, so that one raised in a worker process arrives whole."""
        return (SiteError, (self.problems,))
