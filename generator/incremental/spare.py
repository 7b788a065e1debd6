"""The spare output tree: the site before the last, kept in the build cache.

The write stage puts a new site together in a staging folder and swaps it
with the output folder (see write/write.py). A new folder tree costs a
great deal to make; the spare, which holds the site before the last one, is
much cheaper to bring up to date, so the incremental layer hands it to the
write stage as its staging folder (`SpareStaging`). After the swap, a note
beside it says how it differs from the live folder (the files the build
wrote and removed, and the hidden files then), so that a build that changes
a few outputs (see edits.py) catches it up from the note instead of looking
at every file (`write_changes`); the note is forgotten before anything
touches the spare, so a killed build leaves none.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from pathlib import Path

from generator.errors import Problem, SiteError
from generator.incremental.keys import KeyedOutputs
from generator.incremental.outputscan import unlinked_files
from generator.incremental.record import Recorded
from generator.incremental.store import remove, write_atomically
from generator.outputs import Output
from generator.progress import Progress, no_progress
from generator.write.files import (
    holds,
    lstat,
    replace_with_bytes,
    replace_with_link,
    same_device,
    same_inode,
    swap,
)
from generator.write.tree import Strays, strays
from generator.write.write import Change, FreshStaging, WriteHooks, WriteReport, write_site


@dataclass(frozen=True)
class Known:
    """What a write after edits goes by: this build's keys with the last build's record of
    each file (`check`), the output files no longer as that record says (`stale`), a
    look at the files and folders of the output folder the record does not list
    (`live`; by default, one taken then), the write stage's ways of working, and the
    recorded files whose copy in the spare is not the live file (`unlinked`; by
    default, looked for then)."""

    check: KeyedOutputs
    stale: Set[str] = frozenset()
    live: Callable[[], Strays] | None = None
    jobs: int = 1
    progress: Progress = no_progress
    unlinked: Callable[[], list[str]] | None = None  # a look at the spare, taken before

    @property
    def previous(self) -> Recorded:
        return self.check.previous

    def strays(self, out_dir: Path) -> Strays:
        return self.live() if self.live is not None else strays(out_dir, self.previous)

    def not_linked(self, spare: Path, out_dir: Path) -> list[str]:
        """The recorded files whose copy in `spare` is not the live one (see _relink)."""
        if self.unlinked is not None:
            return self.unlinked()
        return unlinked_files(spare, out_dir, self.previous)


class SpareStaging:
    """The spare as the staging folder, where it is on the output folder's file system
    (else a fresh staging folder); the note of how it differs is kept after the swap."""

    def __init__(self, spare: Path) -> None:
        self.spare = spare

    def prepare(self, out_dir: Path) -> Path:
        forget_difference(self.spare)  # from here on, the spare and the output folder change
        if self.spare.is_symlink() or (self.spare.exists() and not self.spare.is_dir()):
            self.spare.unlink()  # something else in the spare's place: not to be built into
        if same_device(self.spare, out_dir):
            return self.spare
        return FreshStaging().prepare(out_dir)

    def finish(self, staging: Path, change: Change | None) -> None:
        if staging != self.spare:
            FreshStaging().finish(staging, change)
        elif change is not None and staging.is_dir():
            save_difference(staging, change)


def write_changes(
    out_dir: Path, outputs: Sequence[Output], spare: Path, known: Known
) -> WriteReport:
    """`write_site` for a site whose other files are as `known.previous` recorded them.

    For a build that changed only `outputs` (see edits.py). When the last
    build left the spare with a note of how it differs from the live site,
    the spare is caught up from that note, `outputs` are staged into it and
    it is swapped in: the site's other files are not looked at one by one.
    Without that note, every file is checked as `write_site` does. The
    report's keys are those of `outputs` alone. Outputs in stale files are
    made and written whatever their keys.
    """
    difference = load_difference(spare)
    if difference is None or not (spare.is_dir() and out_dir.is_dir()):
        return _write_every_file(out_dir, outputs, spare, known)
    if not same_device(spare, out_dir):
        return _write_every_file(out_dir, outputs, spare, known)
    previous, stale = known.previous, known.stale
    known.progress("rendering", 0, len(outputs))
    keys = {output.file: known.check.key(output) for output in outputs}
    made = [
        (output.file, output.make())
        for output in outputs
        if output.file in stale or previous.get(output.file, _UNKNOWN)[2] != keys[output.file]
    ]
    known.progress("writing", 0, 1)
    # A stale file may be a new file in the live folder alone: staged whatever it holds.
    new = [(f, data) for f, data in made if f in stale or not holds(f"{out_dir}/{f}", data)]
    if not new:  # the same bytes: nothing to write
        return WriteReport(0, len(previous), 0, len(made), keys)
    forget_difference(spare)  # from here on, the spare is being changed
    found = known.strays(out_dir)
    written_now = {file for file, _ in new}
    kept = [file for file in known.not_linked(spare, out_dir) if file not in written_now]
    if not _staged(spare, out_dir, difference, found, new, kept):
        return _write_every_file(out_dir, outputs, spare, known)
    written, removed = [file for file, _ in new], found.unknown
    swap(spare, out_dir)
    save_difference(spare, Change(written, removed, found.hidden_files))
    unchanged = len(previous) - len(written)
    return WriteReport(len(written), unchanged, len(removed), len(made), keys, (*written, *removed))


_UNKNOWN = (0, 0, "")  # the record of a file the last build did not write


def _staged(
    spare: Path,
    out_dir: Path,
    difference: Change,
    found: Strays,
    new: list[tuple[str, bytes]],
    kept: list[str],
) -> bool:
    """Whether the spare could be caught up (see `_catch_up`), its `kept` files made the
    live ones again where they are not, and the `new` files staged into it; False if
    it is no longer what the note says. (Six parameters: the two folders, the note,
    and the three kinds of file.)"""
    try:
        _catch_up(spare, out_dir, difference, found.hidden_files, found.hidden_folders)
        _relink(spare, out_dir, kept)
        for file, data in new:
            os.makedirs(os.path.dirname(f"{spare}/{file}"), exist_ok=True)
            replace_with_bytes(f"{spare}/{file}", data)
    except OSError:
        return False
    return True


def _relink(spare: Path, out_dir: Path, files: list[str]) -> None:
    """Make each of `files` of the spare the live file again where it is not.

    The note says the rest of the spare is the live site, its files the same
    inodes; that holds until something else touches the spare (a damaged or
    replaced file, a copy of the cache that broke the links), which would
    then go live. `files` are those found so (see outputscan.unlinked_files,
    looked for by the output scan's process while this one reads the site).
    """
    for file in files:
        live, staged = lstat(f"{out_dir}/{file}"), lstat(f"{spare}/{file}")
        if live is not None and (staged is None or not os.path.samestat(live, staged)):
            os.makedirs(os.path.dirname(f"{spare}/{file}"), exist_ok=True)
            replace_with_link(f"{out_dir}/{file}", f"{spare}/{file}")


def _write_every_file(
    out_dir: Path, outputs: Sequence[Output], spare: Path, known: Known
) -> WriteReport:
    """`write_site` of `outputs` and of every other file as the last build recorded it."""
    looked_at = {output.file for output in outputs}
    kept = [
        Output(file, file, functools.partial(_kept_as_written, file), key)
        for file, (_, _, key) in known.previous.items()
        if file not in looked_at
    ]
    everything = [*outputs, *kept]
    hooks = WriteHooks(known.check, SpareStaging(spare))
    return write_site(out_dir, everything, known.jobs, known.progress, hooks)


def _kept_as_written(file: str) -> bytes:
    """The maker of a file kept as written, asked for only if it changed since it was checked."""
    message = "changed in the output folder during the build; build again"
    raise SiteError([Problem(file, None, message)])


def difference_file(spare: Path) -> Path:
    return spare.with_name(f"{spare.name}.json")


def load_difference(spare: Path) -> Change | None:
    try:
        data = json.loads(difference_file(spare).read_text(encoding="utf-8"))
        return Change(*(list(map(str, data[name])) for name in ("written", "removed", "hidden")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_difference(spare: Path, difference: Change) -> None:
    data = {"written": difference.written, "removed": difference.removed}
    write_atomically(
        difference_file(spare), json.dumps({**data, "hidden": difference.hidden}).encode()
    )


def forget_difference(spare: Path) -> None:
    remove(difference_file(spare))


def _catch_up(
    spare: Path,
    out_dir: Path,
    difference: Change,
    hidden: Sequence[str],
    folders: Sequence[str],
) -> None:
    """Make the spare the live site again: the files the last build wrote and removed,
    and the live hidden files and folders as they are now."""
    gone = set(difference.hidden) - set(hidden)
    for file in [*difference.removed, *sorted(gone)]:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            os.unlink(f"{spare}/{file}")
        folder = os.path.dirname(file)
        while folder and not os.path.isdir(f"{out_dir}/{folder}"):
            with contextlib.suppress(OSError):  # not empty: something else is in it
                os.rmdir(f"{spare}/{folder}")
            folder = os.path.dirname(folder)
    for folder in folders:
        os.makedirs(f"{spare}/{folder}", exist_ok=True)
    for file in [*difference.written, *hidden]:
        live, target = f"{out_dir}/{file}", f"{spare}/{file}"
        if not os.path.lexists(live):  # gone since (and made again, if an output)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        elif not same_inode(live, target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            replace_with_link(live, target)
