"""What `digest serve` knows of its builds, for the pages it serves: the outcome of
the latest build and the output files recent builds changed.

The builds publish here (server.py); every open page waits here for the next
one (the events endpoint, handler.py), to reload or show the error.
"""

from __future__ import annotations

import threading

MAX_LISTED = 1000  # more files changed than this: every open page reloads
KEPT_VERSIONS = 100  # builds whose changed files are kept, for pages a few builds behind


class BuildState:
    """The outcome of the latest build, what recent builds changed, and a way to wait
    for the next one."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.version = 0
        self.error: str | None = None
        self.files: dict[int, tuple[str, ...] | None] = {}  # version -> files it changed

    def publish(self, error: str | None, files: tuple[str, ...] | None = None) -> None:
        """A new outcome; `files` are the output files it changed, None if not known."""
        with self._changed:
            self.version += 1
            self.error = error
            self.files[self.version] = files
            self.files.pop(self.version - KEPT_VERSIONS, None)
            self._changed.notify_all()

    def wait_after(self, version: int, timeout: float) -> tuple[int, str | None, list[str] | None]:
        """The state once it is newer than `version`, or as it is after `timeout`, with
        the files changed since `version` (None: any file may have)."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != version, timeout)
            changed: set[str] = set()
            for newer in range(version + 1, self.version + 1):
                files = self.files.get(newer)
                if files is None:
                    return self.version, self.error, None
                changed.update(files)
            if len(changed) > MAX_LISTED:
                return self.version, self.error, None
            return self.version, self.error, sorted(changed)
