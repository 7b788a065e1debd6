"""Pages and assets -> the output folder.

Nothing is written until every page has been rendered, so a build that
fails leaves the previous output as it was. A file whose bytes have not
changed is not touched (its mtime stays, and a sync after the build uploads
nothing); files that are no longer part of the site are removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.errors import Problem, SiteError
from generator.render import Page

TEMPORARY_PREFIX = ".digest-tmp-"


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
    """Make `out_dir` hold exactly `pages` and `assets`, touching only what changed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = [(p.file, p.data) for p in pages] + [(a.file, a.source.read_bytes()) for a in assets]
    written = sum(_write_if_changed(out_dir, file, data) for file, data in outputs)
    removed = _remove_others(out_dir, {file for file, _ in outputs})
    return WriteReport(written=written, unchanged=len(outputs) - written, removed=removed)


def _write_if_changed(out_dir: Path, file: str, data: bytes) -> bool:
    """Write `data` to `out_dir/file` through a temporary file; False if it holds it already."""
    target = out_dir / file
    if target.is_file():
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    elif target.is_dir():
        shutil.rmtree(target)  # a folder of an older build stands where this file goes
    _make_folder(out_dir, PurePosixPath(file).parent)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY_PREFIX)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _make_folder(out_dir: Path, folder: PurePosixPath) -> None:
    """Create `out_dir/folder`, replacing files of an older build that stand in its way."""
    current = out_dir
    for part in folder.parts:
        current = current / part
        if current.is_file() or current.is_symlink():
            current.unlink()
    current.mkdir(parents=True, exist_ok=True)


def _remove_others(out_dir: Path, keep: set[str]) -> int:
    """Delete files under `out_dir` not in `keep`, then folders left empty.

    Hidden files and folders (`.git` of a deploy checkout, `.well-known`) are
    left alone, except temporary files of an interrupted build.
    """
    removed = 0
    folders = []
    for root, dirs, files in os.walk(out_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        folder = Path(root)
        folders.append(folder)
        for name in files:
            path = folder / name
            hidden = name.startswith(".") and not name.startswith(TEMPORARY_PREFIX)
            if not hidden and path.relative_to(out_dir).as_posix() not in keep:
                path.unlink()
                removed += 1
    for folder in reversed(folders):  # deepest first
        if folder != out_dir and not any(folder.iterdir()):
            folder.rmdir()
    return removed
