"""Bringing the staging folder up to date, one output at a time (in worker processes)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Protocol

from generator.outputs import Output
from generator.write.files import holds, lstat, replace_with_bytes, replace_with_link, same_inode

# What staging did with an output: kept the file; made it, same bytes; made it, new bytes.
KEPT, SAME, WRITTEN = "kept", "same", "written"


class OutputCheck(Protocol):
    """Whether an output's file can be kept as it is (see incremental/keys.py)."""

    def key(self, output: Output) -> str:
        """What `output` is made from, as one string (asked in the worker processes)."""

    def current(self, file: str, key: str, live: os.stat_result) -> bool:
        """Whether the regular file `file` of the output folder, as `live` finds it, was
        made from `key`."""

    def recorded(self, folder: str) -> list[str]:
        """The files below `folder` (ending in /) that the last build wrote, as far as
        this check knows (the search index keeps its files only if all are there)."""


class MakeEvery:
    """Every output made again: the pipeline's own check. It keys nothing (""), so a
    report of a write with it has no keys."""

    def key(self, output: Output) -> str:
        return ""

    def current(self, file: str, key: str, live: os.stat_result) -> bool:
        return False

    def recorded(self, folder: str) -> list[str]:
        return []


class Stager:
    """Brings files of the staging folder up to date, never writing into an existing file.

    The staging folder may be a spare copy of an older site whose files share
    their inodes with the live output, so a file is only ever replaced (a new
    file renamed over it), and an unchanged file is a link to the live one,
    which keeps its mtime.
    """

    def __init__(self, staging: Path, out_dir: Path, check: OutputCheck, first: bool) -> None:
        self.root = str(staging.resolve())
        self.old = str(out_dir)
        self.check = check
        self.folders = {self.root}
        self.first = first  # an empty staging folder and no live one: nothing to look at

    def __call__(self, output: Output) -> tuple[str, str]:
        """Place `output` in the staging folder; say whether it was made and written,
        and with what key."""
        file, key = output.file, self.check.key(output)
        target, old = f"{self.root}/{file}", f"{self.old}/{file}"
        live = None if self.first else lstat(old)
        if live is not None and S_ISREG(live.st_mode) and self.check.current(file, key, live):
            outcome = KEPT
        else:
            self._folder(os.path.dirname(target))
            data = output.make()
            if live is None or not holds(old, data):
                if self.first or not (holds(target, data) and not same_inode(old, target)):
                    replace_with_bytes(target, data)
                return WRITTEN, key
            outcome = SAME
        staged = lstat(target)
        if live is None or staged is None or not os.path.samestat(live, staged):
            self._folder(os.path.dirname(target))
            replace_with_link(old, target)
        return outcome, key

    def _folder(self, folder: str) -> None:
        """Make `folder` a real folder of the staging tree, where a file or link may stand."""
        if folder in self.folders:
            return
        self._folder(os.path.dirname(folder))
        try:
            os.mkdir(folder)
        except FileExistsError:
            stat = lstat(folder)
            if stat is None or not S_ISDIR(stat.st_mode):  # a file or link of an older site
                # Another worker may be doing the same: whatever it got to first is fine.
                with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                    os.unlink(folder)
                with contextlib.suppress(FileExistsError):
                    os.mkdir(folder)
        self.folders.add(folder)
