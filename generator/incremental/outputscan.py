"""The output folder as the last build left it, looked at by a second process.

A build with a record of the last one needs to know which output files are
no longer as that build wrote them (see uptodate.py), and a build that
changes a few outputs also needs every file and folder of the output folder,
to carry its hidden files over and drop anything else the site does not
have (see write.py). At 10,000 articles that is 14,000 stats and a walk
through 15,000 folders: a fifth of a build after an edit, all of it spent
waiting on the file system rather than running Python. So a forked process
does it while this one reads and assembles the site, on the other core, and
sends back what it found (see `parallel.Forked`).

The changed files are looked at when the build starts; the walk waits
until the inputs are fingerprinted and the build has found it has work to
do (`look_for_strays`), and runs while the site is read and assembled. A
file put into the output folder after the walk (in the half second or so
before the swap, at 10,000 articles) is not seen by this build: a hidden one
is not carried into the new site but stays in the spare, and is back with
the next build; any other stays in the spare too: it is back in the output
folder after the next build, and removed by the one after.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Container, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.parallel import Forked

# What the last build wrote to each file: its size, its mtime and its key.
Recorded = Mapping[str, tuple[int, int, str]]


@dataclass(frozen=True)
class Tree:
    """Every file (or link) and every folder of a folder, relative to it."""

    files: list[str]
    folders: list[str]


def walk(root: Path | str) -> Tree:
    """Every file (or link) and every folder below `root`, relative to it (none if
    `root` is not a folder)."""
    files: list[str] = []
    folders: list[str] = []
    todo = [""] if os.path.isdir(root) else []
    while todo:
        prefix = todo.pop()
        with os.scandir(f"{root}/{prefix}") as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.append(relative)
                    todo.append(relative + "/")
                else:
                    files.append(relative)
    return Tree(files, folders)


@dataclass(frozen=True)
class Strays:
    """What an output folder holds besides the files the last build recorded."""

    hidden_files: list[str]  # kept: a deploy checkout's .git, .well-known
    hidden_folders: list[str]
    unknown: list[str]  # neither recorded nor hidden: removed


def strays(out_dir: Path | str, listed: Container[str]) -> Strays:
    """The files and folders of `out_dir` that are not `listed` (the files of a site)."""
    tree = walk(out_dir)
    hidden = [file for file in tree.files if is_hidden(file)]
    unknown = [file for file in tree.files if file not in listed and not is_hidden(file)]
    return Strays(hidden, [folder for folder in tree.folders if is_hidden(folder)], unknown)


def is_hidden(relative: str) -> bool:
    """Whether a path relative to the output folder is hidden, or inside a hidden folder."""
    return relative.startswith(".") or "/." in relative


def changed_files(out_dir: Path | str, recorded: Recorded) -> list[str]:
    """The files of `recorded` no longer as it says (changed, replaced or gone)."""
    return [
        file for file, seen in recorded.items() if size_and_time(f"{out_dir}/{file}") != seen[:2]
    ]


def size_and_time(path: str | Path) -> tuple[int, int]:
    """A file's size and mtime (following links); (-1, -1) if there is none."""
    try:
        stat = os.stat(path)
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


class OutputScan(Forked):
    """`changed_files` and `strays` of an output folder, found by a forked process
    (see `parallel.Forked`): use it as a context manager. Each answer is what the
    folder held when it was looked at."""

    def __init__(self, out_dir: Path, recorded: Recorded) -> None:
        super().__init__(
            functools.partial(changed_files, out_dir, recorded),
            functools.partial(strays, out_dir, recorded),
            fork=bool(recorded),  # with no record, no build asks
            waiting=1,  # strays: when `look_for_strays` is called
        )

    def look_for_strays(self) -> None:
        """Start looking for the files the record does not list: as late as can be, so
        that what is found is recent, but before it is needed, so that it is found
        while this process works on."""
        self.go()

    def changed(self) -> list[str]:
        """The recorded files no longer as the last build wrote them."""
        found = self.result(0)
        assert isinstance(found, list)
        return found

    def strays(self) -> Strays:
        """The files and folders of the output folder that the record does not list."""
        found = self.result(1)
        assert isinstance(found, Strays)
        return found
