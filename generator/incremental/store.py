"""The files of the build cache, `.digest-cache/` beside site.yaml: where each lives, and
how each is kept (checked, written atomically) and read back (as missing when damaged).

Nothing in it is ever trusted without its checksum, and deleting the folder
is always safe: the next build is a cold one.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import marshal
import os
import pickle
import platform
import re
import shutil
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from generator.outputs import fingerprint

CACHE_DIR = ".digest-cache"
LIBRARIES = (
    "markdown",
    "jinja2",
    "markupsafe",
    "pyyaml",
    "feedgen",
    "nh3",
    "lxml",
    "tzdata",
    "pillow",
)
CHECKSUM_BYTES = 12
Kept = TypeVar("Kept")


def spare_output(site_dir: Path, out_dir: Path) -> Path:
    """Where the site before the current one is kept, to be updated into the next one."""
    return site_dir / CACHE_DIR / f"output-{_folder_key(out_dir)}"


def record_file(site_dir: Path, out_dir: Path) -> Path:
    """Where the record of the last build into `out_dir` is kept (see uptodate.py)."""
    return site_dir / CACHE_DIR / f"build-{_folder_key(out_dir)}.marshal"


def shown_file(site_dir: Path, out_dir: Path) -> Path:
    """Where the last build into `out_dir` keeps which outputs show each article, if it
    worked that out (see edits.py)."""
    return site_dir / CACHE_DIR / f"shown-{_folder_key(out_dir)}.pickle"


def hashed_file(site_dir: Path) -> Path:
    """Where the hashes of the site's input files are kept (see uptodate.py)."""
    return site_dir / CACHE_DIR / "inputs.marshal"


def _folder_key(out_dir: Path) -> str:
    return hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:20]


def indexes_file(site_dir: Path) -> Path:
    """Where what assembling the last build's site worked out is kept (see site.py)."""
    return site_dir / CACHE_DIR / "indexes.pickle"


def load_kept(path: Path, key: str, kind: type[Kept]) -> Kept | None:
    """The `kind` of value kept in `path` under `key` (see `keep`); None if there is
    none, or it is damaged, kept under another key or of another shape (a
    dataclass of other fields: kept by another version of digest)."""
    kept = load_pickle(path)
    if not isinstance(kept, tuple) or len(kept) != 3 or kept[:2] != (key, _shape(kind)):
        return None
    value = kept[2]
    return value if isinstance(value, kind) else None


def keep(path: Path, key: str, value: object) -> None:
    """Keep `value` in `path` under `key`, with a checksum."""
    save_pickle(path, (key, _shape(type(value)), value))


def _shape(kind: type) -> tuple[str, ...]:
    """The names of the fields of a dataclass (none for another type)."""
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else ()


def serve_output(site_dir: Path) -> Path:
    """Where `digest serve` builds: in the cache, never in the output folder."""
    return site_dir / CACHE_DIR / "serve"


def load_pickle(path: Path) -> object:
    """What `save_pickle` put in `path`; None if it is missing or damaged, or of another
    version of the classes in it."""
    return _load_checked_with(pickle.loads, path)


def save_pickle(path: Path, value: object) -> None:
    """Keep `value` in `path`, pickled, with a checksum."""
    save_checked(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def load_marshalled(path: Path) -> object:
    """What `save_marshalled` put in `path`; None if it is missing or damaged, or was
    kept by another version of Python."""
    return _load_checked_with(marshal.loads, path)


def save_marshalled(path: Path, value: dict[str, Any]) -> None:
    """Keep `value` (of Python's built-in types alone) in `path`, with a checksum:
    marshal makes them three times as fast as pickle."""
    save_checked(path, marshal.dumps(value))


def _load_checked_with(loads: Callable[[bytes], object], path: Path) -> object:
    """What `loads` makes of the checked payload of `path`; None if there is none, or
    `loads` cannot make anything of it (a format of another version: start again)."""
    payload = load_checked(path)
    if payload is None:
        return None
    try:
        return loads(payload)
    except Exception:
        return None


def load_checked(path: Path) -> bytes | None:
    """What `save_checked` put in `path`; None if it is missing or damaged."""
    try:
        with open(path, "rb") as stream:  # in two reads: slicing would copy the payload
            checksum, payload = stream.read(CHECKSUM_BYTES), stream.read()
    except OSError:
        return None
    return payload if _checksum(payload) == checksum else None


def save_checked(path: Path, payload: bytes) -> None:
    """Keep `payload` in `path` (atomically), with a checksum to check it by."""
    write_atomically(path, _checksum(payload) + payload)


def _checksum(payload: bytes) -> bytes:
    """CRC-32 and length: enough to find a damaged or cut file (nothing in the cache is
    secret or signed), and several times faster than SHA-256 over the 60 MB of
    articles a build of 10,000 reads."""
    return zlib.crc32(payload).to_bytes(4, "big") + len(payload).to_bytes(8, "big")


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write a file whole or not at all: a killed build cannot leave half of it, and two
    builds writing at once (a build and a serve) each write a whole file. `mode`: its
    permissions (those of the file it replaces, for one a person keeps)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
        if path.is_dir():
            remove(path)  # a folder where the cache keeps a file: not the cache's
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove(path: Path) -> None:
    """Remove the cache file `path`, or a folder found in its place; nothing if none."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    path.unlink(missing_ok=True)


def pickled_digest(value: object) -> bytes:
    """A digest of `value`'s pickle: the same value, the same digest."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.blake2b(data, digest_size=20).digest()


def file_fingerprint(path: str | Path, limit: int | None = None) -> str | None:
    """The fingerprint of a file's bytes; None if it cannot be read or is over `limit`
    bytes."""
    try:
        if limit is not None and os.stat(path).st_size > limit:
            return None
        with open(path, "rb") as stream:
            return fingerprint(stream.read())
    except OSError:
        return None


@functools.cache
def library_versions() -> tuple[str, ...]:
    """The versions of Python and of the libraries whose output ends up in the site."""
    installed = installed_versions()
    return (platform.python_version(), *(installed.get(_project(n), "") for n in LIBRARIES))


def installed_versions() -> dict[str, str]:
    """The version of each package installed on `sys.path` (the first found), by its
    normalized name, read from the names of their metadata folders
    (`name-version.dist-info`): importlib.metadata, which reads the files in them,
    takes longer to import than digest needs to find that it has nothing to do.

    Packages installed without a version in that name (an old `setup.py
    develop`) or inside zip files are not found: their version is "" to the
    build cache, which then does not see them upgraded."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            stem, _, suffix = name.rpartition(".")
            if suffix in ("dist-info", "egg-info"):
                project, _, version = stem.partition("-")
                found.setdefault(_project(project), version.split("-")[0])
    return found


def _project(name: str) -> str:
    """A project's name as packaging compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()
