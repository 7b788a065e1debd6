"""Skipping a build whose inputs and output have not changed since the last one.

After each build a record goes into the build cache: a fingerprint of every
input (the bytes of site.yaml, of every file under content/ and of every
template and theme file, the build's options and the versions of the
generator and its libraries), the size and mtime of every output file, and
the time of the build and the time at which a future article becomes due. A
build whose fingerprint matches, whose output files are all as recorded, and
whose time lies between those two, has nothing to do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from generator import __version__
from generator.cache import fingerprint, library_versions
from generator.errors import Problem


@dataclass(frozen=True)
class BuildRecord:
    """What the last build of one output folder was made from and what it made."""

    stamp: str
    files: dict[str, tuple[int, int, str]]  # each output file's size, mtime and key
    articles: int
    pages: int
    feeds: int
    assets: int
    warnings: list[tuple[str, int | None, str, bool]]
    built_at: str  # ISO date-time of the build (the clock, or SOURCE_DATE_EPOCH)
    due: str | None  # ISO date-time when a future article gets published, if any

    def current(self, stamp: str, out_dir: Path, now: dt.datetime) -> bool:
        """Whether a build with this stamp, now, would write exactly what is there."""
        if stamp != self.stamp or now < dt.datetime.fromisoformat(self.built_at):
            return False  # other inputs, or a build time before the last one's
        if self.due and now >= dt.datetime.fromisoformat(self.due):
            return False
        return all(
            _size_and_time(out_dir / file) == tuple(seen[:2]) for file, seen in self.files.items()
        )

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(
            Problem(path, line, message, warning) for path, line, message, warning in self.warnings
        )


def input_stamp(
    site_dir: Path, folders: Iterable[Path], options: Sequence[object]
) -> tuple[str, dict[Path, str]]:
    """A fingerprint of everything a build reads, and the fingerprint of each file.

    The build cache keys articles on the same per-file fingerprints, so a
    build that goes on does not read and hash every file a second time.
    """
    digest = hashlib.sha256(repr((__version__, library_versions(), tuple(options))).encode())
    prints = {}
    for root in [site_dir / "site.yaml", site_dir / "content", *folders]:
        for path in _files(root):
            prints[path] = fingerprint(path.read_bytes())
            digest.update(f"\0{path}\0{prints[path]}".encode())
    return digest.hexdigest(), prints


def load_record(path: Path) -> BuildRecord | None:
    """The record in `path`, or None if it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return BuildRecord(
            stamp=data["stamp"],
            files={k: (int(v[0]), int(v[1]), str(v[2])) for k, v in data["files"].items()},
            articles=data["articles"],
            pages=data["pages"],
            feeds=data["feeds"],
            assets=data["assets"],
            warnings=[tuple(w) for w in data["warnings"]],
            built_at=data["built_at"],
            due=data["due"],
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def save_record(path: Path, record: BuildRecord) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(json.dumps(asdict(record)), encoding="utf-8")
    os.replace(temporary, path)


def output_files(out_dir: Path, keys: Mapping[str, str]) -> dict[str, tuple[int, int, str]]:
    """The size and mtime of each output file, as written, and the key it was made from."""
    root = str(out_dir)
    return {file: (*_size_and_time(f"{root}/{file}"), key) for file, key in keys.items()}


def _size_and_time(path: str | Path) -> tuple[int, int]:
    try:
        stat = os.stat(path)
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


def _files(root: Path) -> list[Path]:
    """`root` if it is a file, else every file below it (links to folders not followed)."""
    if root.is_file():
        return [root]
    found, todo = [], [str(root)]
    while todo:
        try:
            with os.scandir(todo.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        todo.append(entry.path)
                    elif entry.is_file():
                        found.append(entry.path)
        except (FileNotFoundError, NotADirectoryError):
            continue
    return [Path(path) for path in sorted(found)]
