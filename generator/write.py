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


def write_output(out_dir: Path, pages: Sequence[Page], assets: Sequence[Asset]) -> WriteReport:
    """Make `out_dir` hold exactly `pages` and `assets` (and its hidden files), atomically."""
    if out_dir.exists() and not out_dir.is_dir():
        raise SiteError([Problem(str(out_dir), None, "the output path is a file, not a folder")])
    staging = staging_dir(out_dir)
    shutil.rmtree(staging, ignore_errors=True)  # left by a build that was killed
    staging.mkdir(parents=True)
    try:
        outputs = [(p.file, p.data) for p in pages]
        outputs += [(a.file, a.source.read_bytes()) for a in assets]
        stage = _Stager(staging, out_dir)
        written = sum(stage(file, data) for file, data in outputs)
        removed = _carry_hidden_files(out_dir, staging, {file for file, _ in outputs})
        _swap(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after the swap: the previous site
    return WriteReport(written=written, unchanged=len(outputs) - written, removed=removed)


def staging_dir(out_dir: Path) -> Path:
    """Where the next site is put together: beside `out_dir`, on the same file system."""
    return out_dir.with_name(f".{out_dir.name}{STAGING_SUFFIX}")


class _Stager:
    """Places files in the staging folder, reusing the old output's file when unchanged."""

    def __init__(self, staging: Path, out_dir: Path) -> None:
        self.root = str(staging.resolve())
        self.old = str(out_dir)
        self.folders = {self.root}

    def __call__(self, file: str, data: bytes) -> bool:
        """Place `data` at `file`; True if it was written, False if the old file was kept."""
        target, old = f"{self.root}/{file}", f"{self.old}/{file}"
        folder = os.path.dirname(target)
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            if not os.path.realpath(folder).startswith(self.root + os.sep):
                raise SiteError([Problem(file, None, "output path leaves the output folder")])
            self.folders.add(folder)
        if _holds(old, data) and _link(old, target):
            return False
        with open(target, "wb") as stream:
            stream.write(data)
        return True


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


def _link(source: str | Path, target: str | Path) -> bool:
    """Hard-link `source` at `target` (copy with its times where links are refused)."""
    try:
        os.link(source, target)
    except OSError:
        try:
            shutil.copy2(source, target)
        except OSError:
            return False
    return True


def _carry_hidden_files(out_dir: Path, staging: Path, keep: set[str]) -> int:
    """Link hidden files of the old output into `staging`; count old files not kept."""
    removed = 0
    if not out_dir.is_dir():
        return removed
    for root, dirs, files in os.walk(out_dir):
        folder = Path(root)
        relative = folder.relative_to(out_dir)
        in_hidden = any(part.startswith(".") for part in relative.parts)
        for name in files:
            path = folder / name
            if in_hidden or name.startswith("."):
                (staging / relative).mkdir(parents=True, exist_ok=True)
                _link(path, staging / relative / name)
            elif (relative / name).as_posix() not in keep:
                removed += 1
        for name in dirs:
            if (in_hidden or name.startswith(".")) and not (folder / name).is_symlink():
                (staging / relative / name).mkdir(parents=True, exist_ok=True)
    return removed


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
