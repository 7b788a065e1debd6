"""Pages and assets -> the output folder, all at once or not at all.

The new site is put together in a staging folder beside the output folder,
then the two are swapped in one atomic step (Linux's renameat2 exchange), so
a build that fails or is killed at any moment leaves the previous complete
site in place. A file whose bytes have not changed is the old file itself
(hard-linked), so it keeps its mtime and a sync after the build uploads
nothing. Hidden files of the output folder (`.git` of a deploy checkout,
`.well-known`) are carried over; everything else not in the new site goes.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from stat import S_ISREG

from generator.errors import Problem, SiteError
from generator.render import Page

STAGING_SUFFIX = ".digest-staging"
TEMPORARY_SUFFIX = ".digest-new"


@dataclass(frozen=True)
class Asset:
    """A file copied as it is: theme static files and non-Markdown content."""

    file: str
    source: Path
    origin: str


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int


def check_outputs(pages: Sequence[Page], assets: Sequence[Asset]) -> None:
    """Fail when two outputs would share a file, even if only letter case differs."""
    origins: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for file, origin in [(p.file, p.origin) for p in pages] + [(a.file, a.origin) for a in assets]:
        origins[file.casefold()].append((file, origin))
    problems = []
    for claims in origins.values():
        if len(claims) > 1:
            files = sorted({file for file, _ in claims})
            sources = sorted({origin for _, origin in claims})
            problems.append(
                Problem(
                    sources[0],
                    None,
                    f"output {' / '.join(files)} would be written by "
                    f"{' and '.join(sources)}; give one of them another slug or path",
                )
            )
    for file, origin in [(p.file, p.origin) for p in pages] + [(a.file, a.origin) for a in assets]:
        parts = PurePosixPath(file).parts
        if not parts or file.startswith("/") or ".." in parts or "\0" in file:
            problems.append(Problem(origin, None, f"output path {file!r} leaves the output folder"))
    if problems:
        raise SiteError(problems)


def write_output(
    out_dir: Path, pages: Sequence[Page], assets: Sequence[Asset], spare: Path | None = None
) -> WriteReport:
    """Make `out_dir` hold exactly `pages` and `assets` (and its hidden files), atomically.

    `spare`, a folder in the build cache on the same file system, keeps the
    site before this one between builds: bringing it up to date touches only
    what changed, where a fresh staging folder has to be made whole.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise SiteError([Problem(str(out_dir), None, "the output path is a file, not a folder")])
    staging = spare if spare is not None and _same_device(spare, out_dir) else None
    if staging is None:
        staging = staging_dir(out_dir)
        shutil.rmtree(staging, ignore_errors=True)  # left by a build that was killed
    staging.mkdir(parents=True, exist_ok=True)
    try:
        outputs = [(p.file, p.data) for p in pages]
        outputs += [(a.file, a.source.read_bytes()) for a in assets]
        stage = _Stager(staging, out_dir)
        written = sum(stage(file, data) for file, data in outputs)
        removed = _sync_the_rest(out_dir, staging, {file for file, _ in outputs})
        _swap(staging, out_dir)
    finally:
        if staging != spare:
            shutil.rmtree(staging, ignore_errors=True)  # after the swap: the previous site
    return WriteReport(written=written, unchanged=len(outputs) - written, removed=removed)


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

    def __init__(self, staging: Path, out_dir: Path) -> None:
        self.root = str(staging.resolve())
        self.old = str(out_dir)
        self.folders = {self.root}

    def __call__(self, file: str, data: bytes) -> bool:
        """Place `data` at `file`; True if it was written, False if the live file was kept."""
        target, old = f"{self.root}/{file}", f"{self.old}/{file}"
        self._folder(os.path.dirname(target), file)
        if _holds(old, data):
            if not _same_inode(old, target):
                _replace_with_link(old, target)
            return False
        if not (_holds(target, data) and not _same_inode(old, target)):
            _replace_with_bytes(target, data)
        return True

    def _folder(self, folder: str, file: str) -> None:
        if folder in self.folders:
            return
        if os.path.lexists(folder) and not os.path.isdir(folder):
            os.unlink(folder)  # a file of an older site stands where this folder goes
        os.makedirs(folder, exist_ok=True)
        if not os.path.realpath(folder).startswith(self.root + os.sep):
            raise SiteError([Problem(file, None, "output path leaves the output folder")])
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


def _same_inode(one: str, other: str) -> bool:
    try:
        return os.path.samestat(os.lstat(one), os.lstat(other))
    except OSError:
        return False


def _replace_with_link(source: str, target: str) -> None:
    """Make `target` the same file as `source` (a copy with its times where links fail)."""
    temporary = f"{target}{TEMPORARY_SUFFIX}"
    _clear(temporary)
    if os.path.islink(source):
        os.symlink(os.readlink(source), temporary)
    else:
        try:
            os.link(source, temporary)
        except OSError:
            shutil.copy2(source, temporary)
    _clear_folder(target)
    os.replace(temporary, target)


def _replace_with_bytes(target: str, data: bytes) -> None:
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


def _sync_the_rest(out_dir: Path, staging: Path, keep: set[str]) -> int:
    """Mirror the live output's hidden files into `staging` and drop what the site lost.

    Returns how many files of the live output are not in the new site.
    """
    hidden, removed = set(), 0
    if out_dir.is_dir():
        live_files, hidden_folders = _entries(out_dir)
        for folder in hidden_folders:
            os.makedirs(f"{staging}/{folder}", exist_ok=True)
        for relative in live_files:
            if _is_hidden(relative):
                hidden.add(relative)
                target = f"{staging}/{relative}"
                if not _same_inode(f"{out_dir}/{relative}", target):
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    _replace_with_link(f"{out_dir}/{relative}", target)
            elif relative not in keep:
                removed += 1
    for relative in _entries(staging)[0]:
        if relative not in keep and relative not in hidden:
            os.unlink(f"{staging}/{relative}")
    _remove_empty_folders(staging)
    return removed


def _entries(root: Path) -> tuple[list[str], list[str]]:
    """Every file (or link) below `root`, and every hidden folder, relative to it."""
    files, hidden_folders = [], []
    for folder, dirs, names in os.walk(root):
        relative = os.path.relpath(folder, root)
        prefix = "" if relative == "." else relative + "/"
        files += [prefix + name for name in names]
        files += [prefix + name for name in dirs if os.path.islink(os.path.join(folder, name))]
        hidden_folders += [prefix + name for name in dirs if _is_hidden(prefix + name)]
    return files, hidden_folders


def _is_hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split("/"))


def _remove_empty_folders(root: Path) -> None:
    """Remove folders left empty, deepest first; hidden ones are the user's."""
    for folder, _, _ in os.walk(root, topdown=False):
        relative = os.path.relpath(folder, root)
        if relative != "." and not _is_hidden(relative) and not os.listdir(folder):
            with contextlib.suppress(OSError):
                os.rmdir(folder)


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
