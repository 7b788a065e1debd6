"""The write stage: outputs -> the output folder, all at once or not at all.

The new site is put together in a staging folder beside the output folder,
then the two are swapped in one atomic step (Linux's renameat2 exchange), so
a build that fails or is killed at any moment leaves the previous complete
site in place. A file whose bytes have not changed is the old file itself
(hard-linked), so it keeps its mtime and a sync after the build uploads
nothing. Hidden files of the output folder (`.git` of a deploy checkout,
`.well-known`) are carried over; everything else not in the new site goes.

Outputs are made (rendered) in worker processes, each straight into the
staging folder, so that a big site is never held in memory. Two hooks let
the incremental layer in (`WriteHooks`): an `OutputCheck` says which
outputs' files can be kept without making them, and a `Staging` says where
the new site is put together (by default a new folder, removed after the
swap). An `Index` (the search index, see search/) makes more outputs from
the staged pages, before the swap.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator.errors import Problem, SiteError
from generator.outputs import Output
from generator.parallel import forked_map
from generator.progress import Progress, no_progress
from generator.write.files import replace_with_link, same_inode, swap
from generator.write.stager import KEPT, WRITTEN, MakeEvery, OutputCheck, Stager
from generator.write.tree import strays, walk

STAGING_SUFFIX = ".digest-staging"


@dataclass(frozen=True)
class WriteReport:
    written: int  # files whose bytes changed
    unchanged: int
    removed: int
    made: int  # outputs rendered (or read) because they could not be kept
    # The check's key of each file; none if the check keys nothing (MakeEvery).
    keys: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    changed: tuple[str, ...] = field(default=(), repr=False, compare=False)  # written, removed


@dataclass(frozen=True)
class Change:
    """What a write did to the output folder: the files it wrote and removed, and the
    hidden files it carried over."""

    written: Sequence[str]
    removed: Sequence[str]
    hidden: Sequence[str]


class Staging(Protocol):
    """Where the next site is put together (see incremental/spare.py)."""

    def prepare(self, out_dir: Path) -> Path:
        """The staging folder for `out_dir`, on its file system; it may hold an older site."""

    def finish(self, staging: Path, change: Change | None) -> None:
        """After the swap (`change`: what it did; None: the write failed)."""


class FreshStaging:
    """A new staging folder beside the output folder, removed when the write is done."""

    def prepare(self, out_dir: Path) -> Path:
        staging = staging_dir(out_dir)
        shutil.rmtree(staging, ignore_errors=True)  # left by a build that was killed
        return staging

    def finish(self, staging: Path, change: Change | None) -> None:
        shutil.rmtree(staging, ignore_errors=True)  # after the swap: the previous site


def staging_dir(out_dir: Path) -> Path:
    """Where the next site is put together: beside `out_dir`, on the same file system."""
    return out_dir.with_name(f".{out_dir.name}{STAGING_SUFFIX}")


@dataclass(frozen=True)
class WriteHooks:
    """How the incremental layer changes the write stage's work (see incremental/)."""

    check: OutputCheck = field(default_factory=MakeEvery)  # which files can be kept
    staging: Staging = field(default_factory=FreshStaging)  # where the site is put together


class Index(Protocol):
    """Outputs made from the staged pages themselves (the search index, search/index.py)."""

    def bundle(
        self,
        staged: Path,
        live: Path,
        keys: Mapping[str, str],
        check: OutputCheck,
        progress: Progress = no_progress,
    ) -> contextlib.AbstractContextManager[Sequence[Output]]:
        """Its outputs, which can be made while the block lasts (`keys`: the key of each
        staged output's file)."""


def write_site(
    out_dir: Path,
    outputs: Sequence[Output],
    jobs: int = 1,
    progress: Progress = no_progress,
    hooks: WriteHooks | None = None,
    index: Index | None = None,
) -> WriteReport:
    """Make `out_dir` hold exactly `outputs`, the outputs of `index` made from them, and
    its hidden files, atomically.

    Outputs are made over `jobs` processes, straight into the staging folder,
    but for those `hooks.check` finds current, whose files are kept. (Six
    parameters: the stage's inputs, its two ways of working, the incremental
    layer's hooks, and the index of the staged pages.)
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise SiteError([Problem(str(out_dir), None, "the output path is a file, not a folder")])
    hooks = hooks or WriteHooks()
    folder = hooks.staging.prepare(out_dir)
    # A first build writes into an empty folder, with no site to compare with or carry over.
    first = not folder.exists() and not out_dir.exists()
    folder.mkdir(parents=True, exist_ok=True)
    change = None
    try:
        stage = Stager(folder, out_dir, hooks.check, first)
        results = _staged(stage, outputs, jobs, progress, "rendering")
        if index is not None:
            keys = {output.file: key for output, (_, key) in results}
            with index.bundle(folder, out_dir, keys, hooks.check, progress) as made:
                results += _staged(stage, made, jobs, progress, "index files")
        progress("writing", 0, 1)
        files = {output.file for output, _ in results}
        removed, hidden = ([], []) if first else sync_the_rest(out_dir, folder, files)
        swap(folder, out_dir)
        written = [output.file for output, (outcome, _) in results if outcome == WRITTEN]
        change = Change(written, removed, hidden)
    finally:
        hooks.staging.finish(folder, change)
    return _report(results, written, removed)


def _staged(
    stage: Stager, outputs: Sequence[Output], jobs: int, progress: Progress, step: str
) -> list[tuple[Output, tuple[str, str]]]:
    """Each of `outputs` placed in the staging folder by `stage` over `jobs` processes,
    with what was done and its key."""
    total = len(outputs)
    progress(step, 0, total)
    # Costliest first (feeds, lists, then articles: the plan's reverse), for
    # forked_map's last slices to be small and quick.
    backwards = outputs[::-1]
    staged = forked_map(
        lambda i: stage(backwards[i]), total, jobs, lambda n: progress(step, n, total)
    )[::-1]
    return list(zip(outputs, staged, strict=True))


def _report(
    results: list[tuple[Output, tuple[str, str]]], written: list[str], removed: list[str]
) -> WriteReport:
    """What a write did: each output with its outcome and key, the files it wrote and
    those it removed."""
    made = sum(outcome != KEPT for _, (outcome, _) in results)
    keys = {output.file: key for output, (_, key) in results if key}
    unchanged = len(results) - len(written)
    return WriteReport(len(written), unchanged, len(removed), made, keys, (*written, *removed))


def sync_the_rest(out_dir: Path, staging: Path, keep: set[str]) -> tuple[list[str], list[str]]:
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
        if not same_inode(f"{out_dir}/{relative}", target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            replace_with_link(f"{out_dir}/{relative}", target)
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
