"""File system steps of the writer: files replaced (never written into), links made,
and the staging folder swapped with the output folder in one step."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
from pathlib import Path
from stat import S_ISREG

TEMPORARY_SUFFIX = ".digest-new"


def same_device(spare: Path, out_dir: Path) -> bool:
    """Whether `spare` can be swapped with `out_dir` (made beside it if need be)."""
    spare.parent.mkdir(parents=True, exist_ok=True)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return os.stat(spare.parent).st_dev == os.stat(out_dir.parent).st_dev


def holds(path: str, data: bytes) -> bool:
    """Whether `path` is a regular file (not a link) with exactly these bytes."""
    try:
        stat = os.lstat(path)
        if not S_ISREG(stat.st_mode) or stat.st_size != len(data):
            return False
        with open(path, "rb") as stream:
            return stream.read() == data
    except OSError:
        return False


def lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def same_inode(one: str, other: str) -> bool:
    try:
        return os.path.samestat(os.lstat(one), os.lstat(other))
    except OSError:
        return False


def replace_with_link(source: str, target: str) -> None:
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


def swap(staging: Path, out_dir: Path) -> None:
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
