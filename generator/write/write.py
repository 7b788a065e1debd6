"""Pages and assets -> the output folder, all at once or not at all.

The new site is put together in a staging folder beside the output folder,
then the two are swapped in one atomic step (Linux's renameat2 exchange), so
a build that fails or is killed at any moment leaves the previous complete
site in place. A file whose bytes have not changed is the old file itself
(hard-linked), so it keeps its mtime and a sync after the build uploads
nothing. Hidden files of the output folder (`.git` of a deploy checkout,
`.well-known`) are carried over; everything else not in the new site goes.

An output is only made (rendered) when its key differs from the one its
file was written with (see keys.py); finding keys, making and staging happen
in worker processes, each output straight into the staging folder.

The staging folder is the spare in the build cache: the site before the
last, which is much cheaper to bring up to date than a new tree is to make.
After the swap, a note beside it says how it differs from the live folder
(the files the build wrote and removed, and the hidden files then), so that
a build that changes a few outputs (see edits.py) catches it up from the
note instead of looking at every file; the note is forgotten before anything
touches the spare, so a killed build leaves none.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import json
import os
import shutil
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR, S_ISREG

from generator.content.articles import Progress, no_progress
from generator.errors import Problem, SiteError
from generator.incremental.outputscan import Strays, strays, walk
from generator.incremental.store import write_atomically
from generator.parallel import forked_map
from generator.write.outputs import Output, known_key

STAGING_SUFFIX = ".digest-staging"
TEMPORARY_SUFFIX = ".digest-new"
# What staging did with an output: kept the file; made it, same bytes; made it, new bytes.
_KEPT, _SAME, _WRITTEN = "kept", "same", "written"


@dataclass(frozen=True)
class WriteReport:
    written: int  # files whose bytes changed
    unchanged: int
    removed: int
    made: int  # outputs rendered (or read) because their key changed
    keys: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)  # per file
    changed: tuple[str, ...] = field(default=(), repr=False, compare=False)  # written, removed


# What the last build wrote to each file of the output folder: its size, its
# mtime and its output's key (see keys.py).
Written = Mapping[str, tuple[int, int, str]]


def write_output(
    out_dir: Path,
    outputs: Sequence[Output],
    spare: Path | None = None,
    previous: Written | None = None,
    jobs: int = 1,
    progress: Progress = no_progress,
) -> WriteReport:
    """Make `out_dir` hold exactly `outputs` (and its hidden files), atomically.

    An output whose key is the one its file was written with, in a file
    still as written then (`previous`), is not made again: the file is kept.
    The others are made over `jobs` processes, straight into the staging folder.

    `spare`, a folder in the build cache on the same file system, keeps the
    site before this one between builds: bringing it up to date touches only
    what changed, where a fresh staging folder has to be made whole.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise SiteError([Problem(str(out_dir), None, "the output path is a file, not a folder")])
    if spare is not None:
        _forget_difference(spare)  # from here on, the spare and the output folder change
    staging = spare if spare is not None and _same_device(spare, out_dir) else None
    if staging is None:
        staging = staging_dir(out_dir)
        shutil.rmtree(staging, ignore_errors=True)  # left by a build that was killed
    # A first build writes into an empty folder, with no site to compare with or carry over.
    first = not staging.exists() and not out_dir.exists()
    staging.mkdir(parents=True, exist_ok=True)
    try:
        stage = _Stager(staging, out_dir, previous or {}, first)
        progress("rendering", 0, len(outputs))
        # Costliest first (feeds, lists, then articles: the plan's reverse), for
        # forked_map's last slices to be small and quick.
        backwards = outputs[::-1]
        staged = forked_map(lambda i: stage(backwards[i]), len(outputs), jobs)[::-1]
        progress("writing", 0, 1)
        files = {output.file for output in outputs}
        removed, hidden = ([], []) if first else _sync_the_rest(out_dir, staging, files)
        _swap(staging, out_dir)
    finally:
        if staging != spare:
            shutil.rmtree(staging, ignore_errors=True)  # after the swap: the previous site
    results = list(zip(outputs, staged, strict=True))
    written = [output.file for output, (outcome, _) in results if outcome == _WRITTEN]
    made = sum(outcome != _KEPT for _, (outcome, _) in results)
    keys = {output.file: key for output, (_, key) in results}
    if staging == spare and staging.is_dir():
        _save_difference(staging, _Difference(written, removed, hidden))
    unchanged = len(outputs) - len(written)
    return WriteReport(len(written), unchanged, len(removed), made, keys, (*written, *removed))


def write_changes(
    out_dir: Path,
    outputs: Sequence[Output],
    spare: Path,
    previous: Written,
    stale: Set[str] = frozenset(),
    jobs: int = 1,
    progress: Progress = no_progress,
    live: Callable[[], Strays] | None = None,
) -> WriteReport:
    """`write_output` for a site whose other files are as `previous` recorded them.

    For a build that changed only `outputs` (see edits.py). When the last
    build left the spare as the site before it, with a note of how the two
    differ, the spare is brought up to date from that note (and the live
    hidden files), `outputs` are staged into it and it is swapped in: the
    site's other files are not looked at one by one. Without that note, every
    file is checked as `write_output` does. The report's keys are those of
    `outputs` alone. Outputs in `stale` files, no longer as `previous` says,
    are made and written whatever their keys. `live` finds the files and
    folders of `out_dir` that `previous` does not list (by default, here).
    """
    difference = _load_difference(spare)
    if (
        difference is None
        or not spare.is_dir()
        or not out_dir.is_dir()
        or not _same_device(spare, out_dir)
    ):
        return _write_every_file(out_dir, outputs, spare, previous, jobs, progress)
    progress("rendering", 0, len(outputs))
    keys = {output.file: output.key for output in outputs}
    unknown = (0, 0, "")
    made = [
        (output.file, output.make())
        for output in outputs
        if output.file in stale or previous.get(output.file, unknown)[2] != keys[output.file]
    ]
    progress("writing", 0, 1)
    # A stale file may be a new file in the live folder alone: staged whatever it holds.
    new = [(f, data) for f, data in made if f in stale or not _holds(f"{out_dir}/{f}", data)]
    if not new:  # the same bytes: nothing to write
        return WriteReport(0, len(previous), 0, len(made), keys)
    _forget_difference(spare)  # from here on, the spare is being changed
    found = live() if live is not None else strays(out_dir, previous)
    hidden = found.hidden_files
    try:
        _catch_up(spare, out_dir, difference, hidden, found.hidden_folders)
        for file, data in new:
            os.makedirs(os.path.dirname(f"{spare}/{file}"), exist_ok=True)
            replace_with_bytes(f"{spare}/{file}", data)
    except OSError:  # a spare the note no longer describes: check every file
        return _write_every_file(out_dir, outputs, spare, previous, jobs, progress)
    written = [file for file, _ in new]
    removed = found.unknown
    _swap(spare, out_dir)
    _save_difference(spare, _Difference(written, removed, hidden))
    unchanged = len(previous) - len(written)
    return WriteReport(len(written), unchanged, len(removed), len(made), keys, (*written, *removed))


def _write_every_file(
    out_dir: Path,
    outputs: Sequence[Output],
    spare: Path,
    previous: Written,
    jobs: int,
    progress: Progress,
) -> WriteReport:
    """`write_output` of `outputs` and of every other file as `previous` recorded it."""
    looked_at = {output.file for output in outputs}
    kept = [
        Output(file, file, known_key(key), functools.partial(_kept_as_written, file))
        for file, (_, _, key) in previous.items()
        if file not in looked_at
    ]
    return write_output(out_dir, [*outputs, *kept], spare, previous, jobs, progress)


def _kept_as_written(file: str) -> bytes:
    """The maker of a file kept as written, asked for only if it changed since it was checked."""
    message = "changed in the output folder during the build; build again"
    raise SiteError([Problem(file, None, message)])


@dataclass(frozen=True)
class _Difference:
    """How the spare (the site before the last) differs from the live output folder."""

    written: Sequence[str]  # files the last build wrote: the spare has their older bytes
    removed: Sequence[str]  # files the last build removed: the spare still has them
    hidden: Sequence[str]  # hidden files of both (as links to the same files) at the swap


def _difference_file(spare: Path) -> Path:
    return spare.with_name(f"{spare.name}.json")


def _load_difference(spare: Path) -> _Difference | None:
    try:
        data = json.loads(_difference_file(spare).read_text(encoding="utf-8"))
        return _Difference(
            *(list(map(str, data[name])) for name in ("written", "removed", "hidden"))
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save_difference(spare: Path, difference: _Difference) -> None:
    data = {"written": difference.written, "removed": difference.removed}
    write_atomically(
        _difference_file(spare), json.dumps({**data, "hidden": difference.hidden}).encode()
    )


def _forget_difference(spare: Path) -> None:
    _difference_file(spare).unlink(missing_ok=True)


def _catch_up(
    spare: Path,
    out_dir: Path,
    difference: _Difference,
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
        elif not _same_inode(live, target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            _replace_with_link(live, target)


def staging_dir(out_dir: Path) -> Path:
    """Where the next site is put together: beside `out_dir`, on the same file system."""
    return out_dir.with_name(f".{out_dir.name}{STAGING_SUFFIX}")


def _same_device(spare: Path, out_dir: Path) -> bool:
    """Whether `spare` can be swapped with `out_dir` (made beside it if need be)."""
    spare.parent.mkdir(parents=True, exist_ok=True)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return os.stat(spare.parent).st_dev == os.stat(out_dir.parent).st_dev


class _Stager:
    """Brings files of the staging folder up to date, never writing into an existing file.

    The staging folder may be a spare copy of an older site whose files share
    their inodes with the live output, so a file is only ever replaced (a new
    file renamed over it), and an unchanged file is a link to the live one,
    which keeps its mtime.
    """

    def __init__(self, staging: Path, out_dir: Path, previous: Written, first: bool) -> None:
        self.root = str(staging.resolve())
        self.old = str(out_dir)
        self.previous = previous
        self.folders = {self.root}
        self.first = first  # an empty staging folder and no live one: nothing to look at

    def __call__(self, output: Output) -> tuple[str, str]:
        """Place `output` in the staging folder; say whether it was made and written,
        and with what key."""
        file, key = output.file, output.key
        target, old = f"{self.root}/{file}", f"{self.old}/{file}"
        live = None if self.first else _lstat(old)
        if live is not None and self._current(live, file, key):
            outcome = _KEPT
        else:
            self._folder(os.path.dirname(target))
            data = output.make()
            if live is None or not _holds(old, data):
                if self.first or not (_holds(target, data) and not _same_inode(old, target)):
                    replace_with_bytes(target, data)
                return _WRITTEN, key
            outcome = _SAME
        staged = _lstat(target)
        if live is None or staged is None or not os.path.samestat(live, staged):
            self._folder(os.path.dirname(target))
            _replace_with_link(old, target)
        return outcome, key

    def _current(self, live: os.stat_result, file: str, key: str) -> bool:
        """Whether the live file was made from this key and is as it was written."""
        seen = self.previous.get(file)
        return (
            seen is not None
            and seen[2] == key
            and S_ISREG(live.st_mode)
            and (live.st_size, live.st_mtime_ns) == tuple(seen[:2])
        )

    def _folder(self, folder: str) -> None:
        """Make `folder` a real folder of the staging tree, where a file or link may stand."""
        if folder in self.folders:
            return
        self._folder(os.path.dirname(folder))
        try:
            os.mkdir(folder)
        except FileExistsError:
            stat = _lstat(folder)
            if stat is None or not S_ISDIR(stat.st_mode):  # a file or link of an older site
                # Another worker may be doing the same: whatever it got to first is fine.
                with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                    os.unlink(folder)
                with contextlib.suppress(FileExistsError):
                    os.mkdir(folder)
        self.folders.add(folder)


def _holds(path: str, data: bytes) -> bool:
    """Whether `path` is a regular file (not a link) with exactly these bytes."""
    try:
        stat = os.lstat(path)
        if not S_ISREG(stat.st_mode) or stat.st_size != len(data):
            return False
        with open(path, "rb") as stream:
            return stream.read() == data
    except OSError:
        return False


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def _same_inode(one: str, other: str) -> bool:
    try:
        return os.path.samestat(os.lstat(one), os.lstat(other))
    except OSError:
        return False


def _replace_with_link(source: str, target: str) -> None:
    """Make `target` the same file as `source` (a copy with its times where links fail)."""
    with contextlib.suppress(FileExistsError):
        _link(source, target)
        return
    temporary = f"{target}{TEMPORARY_SUFFIX}"
    _clear(temporary)
    _link(source, temporary)
    _clear_folder(target)
    os.replace(temporary, target)


def _link(source: str, target: str) -> None:
    if os.path.islink(source):
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        shutil.copy2(source, target)


def replace_with_bytes(target: str, data: bytes) -> None:
    """Put `data` at `target` as a new file: never written into, as it may be a live one."""
    with contextlib.suppress(FileExistsError):
        with open(target, "xb") as stream:
            stream.write(data)
        return
    temporary = f"{target}{TEMPORARY_SUFFIX}"
    _clear(temporary)
    with open(temporary, "wb") as stream:
        stream.write(data)
    _clear_folder(target)
    os.replace(temporary, target)


def _clear(path: str) -> None:
    if os.path.lexists(path):
        os.unlink(path)


def _clear_folder(path: str) -> None:
    """Remove a folder of an older site that stands where a file goes."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)


def _sync_the_rest(out_dir: Path, staging: Path, keep: set[str]) -> tuple[list[str], list[str]]:
    """Mirror the live output's hidden files into `staging` and drop what the site lost.

    Returns the files of the live output that are not in the new site, and
    its hidden files.
    """
    live = strays(out_dir, keep)
    hidden_folders = live.hidden_folders
    for folder in hidden_folders:
        os.makedirs(f"{staging}/{folder}", exist_ok=True)
    hidden = {file for file in live.hidden_files if file not in keep}
    for relative in hidden:
        target = f"{staging}/{relative}"
        if not _same_inode(f"{out_dir}/{relative}", target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            _replace_with_link(f"{out_dir}/{relative}", target)
    staged = walk(staging)
    for relative in staged.files:
        if relative not in keep and relative not in hidden:
            os.unlink(f"{staging}/{relative}")
    needed = set(hidden_folders)
    for file in keep | hidden:
        folder = os.path.dirname(file)
        while folder and folder not in needed:
            needed.add(folder)
            folder = os.path.dirname(folder)
    for folder in sorted(staged.folders, key=lambda f: f.count("/"), reverse=True):
        if folder not in needed:
            with contextlib.suppress(OSError):  # not empty: something the site does not know
                os.rmdir(f"{staging}/{folder}")
    return live.unknown, sorted(hidden)


def _swap(staging: Path, out_dir: Path) -> None:
    """Put `staging` in place of `out_dir` in one step; `staging` then holds the old site."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    if _exchange(staging, out_dir):
        return
    # No atomic exchange here (not Linux, or a file system without it): two
    # renames, leaving a moment without an output folder.
    previous = out_dir.with_name(f".{out_dir.name}.digest-previous")
    shutil.rmtree(previous, ignore_errors=True)
    out_dir.rename(previous)
    staging.rename(out_dir)
    previous.rename(staging)


def _exchange(one: Path, other: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False if unsupported."""
    renameat2 = getattr(_LIBC, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(one), at_fdcwd, os.fsencode(other), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(other))


def _load_libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_LIBC = _load_libc()
