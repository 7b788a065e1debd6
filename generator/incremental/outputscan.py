"""The output folder as the last build left it, looked at by a second process.

A build with a record of the last one needs to know which output files are
no longer as that build wrote them (see record.py), and a build that
changes a few outputs also needs every file and folder of the output folder,
to carry its hidden files over and drop anything else the site does not
have (see spare.py). At 10,000 articles that is 14,000 stats and a walk
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
from pathlib import Path

from generator.incremental.record import Recorded, size_and_time
from generator.parallel import Forked
from generator.write.files import lstat
from generator.write.tree import Strays, strays


def changed_files(out_dir: Path | str, recorded: Recorded) -> list[str]:
    """The files of `recorded` no longer as it says (changed, replaced or gone)."""
    return [
        file for file, seen in recorded.items() if size_and_time(f"{out_dir}/{file}") != seen[:2]
    ]


def unlinked_files(spare: Path | str, out_dir: Path | str, recorded: Recorded) -> list[str]:
    """The files of `recorded` in the output folder whose copy in the spare is not the
    live file itself (see spare.py): gone, or replaced by another file."""
    found = []
    for file in recorded:
        live = lstat(f"{out_dir}/{file}")
        if live is not None:
            staged = lstat(f"{spare}/{file}")
            if staged is None or not os.path.samestat(live, staged):
                found.append(file)
    return found


class OutputScan(Forked):
    """`changed_files`, `strays` of an output folder and the `unlinked_files` of its
    spare, found by a forked process (see `parallel.Forked`): use it as a context
    manager. Each answer is what the folders held when they were looked at."""

    def __init__(self, out_dir: Path, recorded: Recorded, spare: Path) -> None:
        super().__init__(
            functools.partial(changed_files, out_dir, recorded),
            functools.partial(strays, out_dir, recorded),
            functools.partial(unlinked_files, spare, out_dir, recorded),
            fork=bool(recorded),  # with no record, no build asks
            waiting=1,  # strays and the spare: when `look_for_strays` is called
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

    def unlinked(self) -> list[str]:
        """The recorded files whose copy in the spare is not the live file."""
        found = self.result(2)
        assert isinstance(found, list)
        return found
