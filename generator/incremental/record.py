"""Skipping a build whose inputs and output have not changed since the last one.

After each build a record goes into the build cache: a fingerprint of every
input (the bytes of site.yaml, of every file under content/ but hidden ones,
which the site leaves out, and of every template and theme file, the build's
options and the versions of the generator and its libraries), the size and
mtime of every output file, and the time of the build and the time at which
a future article becomes due. A build whose fingerprint matches, whose output
files are all as recorded, and whose time lies between those two, has nothing
to do.

Hashing every input file is most of the cost of finding out, so, as git
does for its index, the hash of a file is reused while its size, mtime,
ctime and inode are those it was hashed with. On POSIX systems ctime is the
time of the last change and cannot be set back by hand (`touch -d` sets the
mtime only); on Windows it is the time of creation, so there every file is
hashed every time (`REUSE_HASHES`). A file changed less than `SETTLED_NS`
before it was hashed is hashed again next time, so an edit made within one
tick of the file system's clock is not missed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from generator import __version__
from generator.content.files import ARTICLE_SUFFIX, PUBLISHED_HIDDEN
from generator.errors import Problem
from generator.incremental.store import (
    file_fingerprint,
    library_versions,
    load_marshalled,
    save_marshalled,
)

SETTLED_NS = 2_000_000_000  # coarser than any file system's clock (FAT's is 2 s)
REUSE_HASHES = os.name == "posix"
# What a build wrote to each file of the output folder: its size, its mtime and its
# output's key (see keys.py).
Recorded = Mapping[str, tuple[int, int, str]]
# An input file's path -> its size, mtime, ctime and inode when hashed, and its SHA-256.
Hashed = dict[str, tuple[int, int, int, int, str]]


@dataclass(frozen=True)
class BuildRecord:
    """What the last build of one output folder was made from and what it made."""

    stamp: str
    files: dict[str, tuple[int, int, str]]  # Recorded: each output file's size, mtime, key
    articles: int
    pages: int
    feeds: int
    assets: int
    warnings: list[tuple[str, int | None, str, bool]]
    built_at: str  # ISO date-time of the build (the clock, or SOURCE_DATE_EPOCH)
    due: str | None  # ISO date-time when a future article gets published, if any
    frame: str  # the fingerprint of the inputs but the articles (see edits.py)
    places: str  # the fingerprint of every article's place in the site (see edits.py)
    digests: dict[str, bytes]  # each article's digest (see keys.py), by path

    def current(self, stamp: str, now: dt.datetime, changed: Callable[[], Sequence[str]]) -> bool:
        """Whether a build with this stamp, now, would write exactly what is there;
        `changed` lists the output files no longer as this build wrote them (see
        outputscan.py)."""
        return stamp == self.stamp and self.same_selection(now) and not changed()

    def same_selection(self, now: dt.datetime) -> bool:
        """Whether a build now publishes the articles the last one did (none fell due)."""
        if now < dt.datetime.fromisoformat(self.built_at):
            return False  # a build time before the last one's
        return not self.due or now < dt.datetime.fromisoformat(self.due)

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(
            Problem(path, line, message, warning) for path, line, message, warning in self.warnings
        )


Seen = tuple[int, int, int, int]  # a file's size, mtime, ctime and inode


@dataclass(frozen=True)
class InputStamp:
    """Fingerprints of what a build reads: the build's options and versions (`base`)
    and each input file, in order, with its stat when listed."""

    base: str
    files: tuple[tuple[str, Seen, str | None], ...]  # None: an article read later
    articles: str  # where articles are: under this folder, ending in ARTICLE_SUFFIX
    settled: int  # files changed since this time (ns) are hashed again next time

    @functools.cached_property
    def prints(self) -> dict[str, str]:
        """The SHA-256 of each input file's bytes (of those taken yet), by its path as
        listed (the site folder joined with the path below it)."""
        return {name: sha for name, _, sha in self.files if sha is not None}

    @functools.cached_property
    def whole(self) -> str:
        """The fingerprint of everything a build reads."""
        return self._digest(lambda name: True)

    @functools.cached_property
    def frame(self) -> str:
        """The fingerprint of everything but the bytes of articles."""
        return self._digest(lambda name: not self._is_article(name))

    @property
    def hashed(self) -> Hashed:
        """The hashes to reuse next time."""
        return {
            name: (*seen, sha)
            for name, seen, sha in self.files
            if sha is not None and REUSE_HASHES and max(seen[1], seen[2]) < self.settled
        }

    def taken(self, prints: Mapping[str, str]) -> InputStamp:
        """The stamp with the articles' hashes as they were read (`prints`); any other
        file not hashed yet is read here."""
        files = [
            (name, seen, sha or prints.get(name) or file_fingerprint(name))
            for name, seen, sha in self.files
        ]
        # A file that could not be read is gone since it was listed.
        return dataclasses.replace(self, files=tuple(f for f in files if f[2] is not None))

    def _is_article(self, name: str) -> bool:
        return name.startswith(self.articles) and name.endswith(ARTICLE_SUFFIX)

    def _digest(self, taken_in: Callable[[str], bool]) -> str:
        parts = [self.base]
        for name, _, sha in self.files:
            if taken_in(name):
                if sha is None:
                    raise ValueError(f"{name} is not hashed yet")
                parts += ["\0", name, "\0", sha]
        return hashlib.sha256("".join(parts).encode()).hexdigest()  # one update: faster


def input_stamp(
    site_dir: Path,
    folders: Iterable[Path],
    options: Sequence[object],
    hashed: Hashed,
    read_later: bool = False,
) -> InputStamp:
    """Fingerprints of everything a build reads and of each file, and the hashes
    to reuse next time.

    `hashed` are the hashes taken last time; a file still as it was then is not
    read. The build cache keys articles on the same per-file fingerprints, so
    a build that goes on does not read and hash every file a second time. With
    `read_later`, articles not hashed before are left for the processes that
    read them (see `InputStamp.taken`).
    """
    base = repr((__version__, library_versions(), tuple(options)))
    content = site_dir / "content"  # whose hidden files are not the site's (see content.py)
    stamp = InputStamp(base, (), os.path.join(content, ""), time.time_ns() - SETTLED_NS)
    files = []
    for root in [site_dir / "site.yaml", content, *folders]:
        for name in _files(root, hidden=root != content):
            try:
                stat = os.stat(name)
            except OSError:
                continue  # gone since the folder was listed
            seen = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
            known = hashed.get(name)
            if known is not None and known[:4] == seen:
                sha: str | None = known[4]
            elif read_later and stamp._is_article(name):
                sha = None  # hashed as it is read
            else:
                sha = file_fingerprint(name)
                if sha is None:
                    continue  # gone since the folder was listed
            files.append((name, seen, sha))
    return dataclasses.replace(stamp, files=tuple(files))


def load_hashed(path: Path) -> Hashed:
    """The input hashes kept in `path`; empty if they are missing or damaged."""
    hashed = load_marshalled(path)
    return hashed if isinstance(hashed, dict) else {}


def save_hashed(path: Path, hashed: Hashed) -> None:
    save_marshalled(path, hashed)


def load_record(path: Path) -> BuildRecord | None:
    """The record in `path`, or None if it is missing, damaged or of other fields."""
    data = load_marshalled(path)
    if not isinstance(data, dict) or data.keys() != {field.name for field in fields(BuildRecord)}:
        return None
    return BuildRecord(**data)


def save_record(path: Path, record: BuildRecord) -> None:
    save_marshalled(path, {field.name: getattr(record, field.name) for field in fields(record)})


def output_files(out_dir: Path, keys: Mapping[str, str]) -> dict[str, tuple[int, int, str]]:
    """The size and mtime of each output file, as written, and the key it was made from."""
    root = str(out_dir)
    return {file: (*size_and_time(f"{root}/{file}"), key) for file, key in keys.items()}


def _files(root: Path, hidden: bool = True) -> list[str]:
    """`root` if it is a file, else every file below it (links to folders not followed),
    without hidden ones (and those in hidden folders) unless `hidden` (but for those a
    site publishes, PUBLISHED_HIDDEN)."""
    if root.is_file():
        return [str(root)]
    found, todo = [], [str(root)]
    while todo:
        try:
            with os.scandir(todo.pop()) as entries:
                for entry in entries:
                    name = entry.name
                    if not hidden and name[0] == "." and name not in PUBLISHED_HIDDEN:
                        continue  # as content_files skips it
                    if entry.is_dir(follow_symlinks=False):
                        todo.append(entry.path)
                    elif entry.is_file():
                        found.append(entry.path)
        except (FileNotFoundError, NotADirectoryError):
            continue
    return sorted(found)


def size_and_time(path: str | Path) -> tuple[int, int]:
    """A file's size and mtime (following links); (-1, -1) if there is none."""
    try:
        stat = os.stat(path)
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)
