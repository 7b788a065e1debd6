"""The files a build makes, before they are made, and the check that they fit together.

An Output knows where it goes, what it comes from and how to make its
bytes, but makes them only when the writer asks (see write/), in a worker
process, so that a big site is rendered over every core and never held in
memory at once. Its `source` says what its bytes are made from (a page's
template and values, a feed, the fingerprint of fixed bytes): the
incremental layer keys outputs on it (see incremental/keys.py); the
pipeline itself never looks at it.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from generator.errors import Problem, SiteError


@dataclass(frozen=True)
class Output:
    """One file of the site: its path in the output folder, its origin, its maker, and
    what it is made from."""

    file: str
    origin: str
    make: Callable[[], bytes]
    source: object  # a PageJob, FeedFile, CopiedFile or ResizedImage, or a fixed fingerprint


class CopiedFile(NamedTuple):
    """What a file copied as it is is made from: the file, and the fingerprint of the
    bytes it was planned with."""

    path: Path
    fingerprint: str


def fingerprint(data: bytes) -> str:
    """The SHA-256 of `data`, in hex: how files and fixed bytes are told apart."""
    return hashlib.sha256(data).hexdigest()


def fixed_output(file: str, origin: str, data: bytes) -> Output:
    """An output whose bytes are already known."""
    return Output(file, origin, functools.partial(bytes, data), fingerprint(data))


def file_output(file: str, source: Path, origin: str) -> Output:
    """A file copied as it is (theme static files, non-Markdown content)."""
    key = fingerprint(source.read_bytes())
    make = functools.partial(_read_as_keyed, source, origin, key)
    return Output(file, origin, make, CopiedFile(source, key))


def _read_as_keyed(source: Path, origin: str, key: str) -> bytes:
    """The bytes of `source`, if they are still those it was planned with."""
    data = source.read_bytes()
    if fingerprint(data) != key:
        raise SiteError([Problem(origin, None, "changed while the site was built; build again")])
    return data


def check_outputs(outputs: Sequence[Output]) -> None:
    """Fail on outputs that cannot all be written, naming where each comes from.

    Two outputs may not share a file (even if only letter case differs), one
    may not stand where another needs a folder, and none may leave the output
    folder.
    """
    problems = [*_shared_files(outputs), *_files_in_the_way(outputs), *_paths_outside(outputs)]
    if problems:
        raise SiteError(problems)


def _shared_files(outputs: Sequence[Output]) -> Iterator[Problem]:
    origins: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for output in outputs:
        origins[output.file.casefold()].append((output.file, output.origin))
    for claims in origins.values():
        if len(claims) > 1:
            files = sorted({file for file, _ in claims})
            sources = sorted({origin for _, origin in claims})
            message = (
                f"output {' / '.join(files)} would be written by "
                f"{' and '.join(sources)}; give one of them another slug or path"
            )
            yield Problem(sources[0], None, message)


def _files_in_the_way(outputs: Sequence[Output]) -> Iterator[Problem]:
    folders: dict[str, Output] = {}  # every folder the outputs need, by case-folded path
    for output in outputs:
        folder = output.file.casefold()
        while "/" in folder:
            folder = folder.rsplit("/", 1)[0]
            if folder in folders:
                break  # and so are the folders above it
            folders[folder] = output
    for output in outputs:
        inside = folders.get(output.file.casefold())
        if inside is not None:
            message = (
                f"output {output.file} would stand where {inside.file} "
                f"(from {inside.origin}) needs a folder; rename one of them"
            )
            yield Problem(output.origin, None, message)


def _paths_outside(outputs: Sequence[Output]) -> Iterator[Problem]:
    for output in outputs:
        file = output.file
        if file in ("", ".") or file.startswith("/") or ".." in file.split("/") or "\0" in file:
            message = f"output path {file!r} leaves the output folder"
            yield Problem(output.origin, None, message)
