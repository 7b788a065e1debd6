"""The files a build makes, before they are made, and the check that they fit together.

An Output knows where it goes, what it comes from and how to find its key
and make its bytes, but does either only when asked: the writer asks for
every key in worker processes, so that the keys of a big site are found
over every core, and for the bytes only of outputs whose key (see keys.py)
differs from the one the output folder was written with, so a build never
holds every page at once.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.errors import Problem, SiteError
from generator.incremental.store import fingerprint


@dataclass(frozen=True)
class Output:
    """One file of the site: its path in the output folder, its origin, its key, its maker."""

    file: str
    origin: str
    find_key: Callable[[], str]  # the same key means the same bytes
    make: Callable[[], bytes]

    @property
    def key(self) -> str:
        return self.find_key()


def known_key(key: str) -> Callable[[], str]:
    """The `find_key` of an output whose key is already known."""
    return functools.partial(str, key)


def fixed_output(file: str, origin: str, data: bytes) -> Output:
    """An output whose bytes are already known."""
    return Output(file, origin, known_key(fingerprint(data)), functools.partial(bytes, data))


def file_output(file: str, source: Path, origin: str, known: str | None = None) -> Output:
    """A file copied as it is (theme static files, non-Markdown content).

    `known` is the fingerprint of `source` when the build has already taken it.
    """
    key = known or fingerprint(source.read_bytes())
    make = functools.partial(_read_as_keyed, source, origin, key)
    return Output(file, origin, known_key(key), make)


def _read_as_keyed(source: Path, origin: str, key: str) -> bytes:
    """The bytes of `source`, if they are still those its key was made from."""
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
    origins: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for output in outputs:
        origins[output.file.casefold()].append((output.file, output.origin))
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
            problems.append(
                Problem(
                    output.origin,
                    None,
                    f"output {output.file} would stand where {inside.file} "
                    f"(from {inside.origin}) needs a folder; rename one of them",
                )
            )
    for output in outputs:
        parts = output.file.split("/")
        if (
            output.file in ("", ".")
            or output.file.startswith("/")
            or ".." in parts
            or "\0" in output.file
        ):
            problems.append(
                Problem(
                    output.origin, None, f"output path {output.file!r} leaves the output folder"
                )
            )
    if problems:
        raise SiteError(problems)
