"""The spare output tree damaged on its own (issue 18): a file of .digest-cache/output-*
cut short, a bit flipped, swapped with another or a folder in its place, each as a new
file (as a copy of the cache, a tool that replaces files, or a disk would leave it,
without touching the live site whose files the spare's are linked to); the next build,
after an edit, makes what a clean build makes. test_cache_faults.py does the same to
every other file of the cache, in place."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import (
    REPO,
    STORIES,
    STORIES_CONFIG,
    SiteMaker,
    build_site,
    edit,
    run_digest,
    tree,
    tree_differences,
)

from generator.incremental.store import CACHE_DIR


def replace(path: Path, data: bytes) -> None:
    """Put `data` in `path` as a new file: what damage does to the cache's file alone, not
    to an output file that shares its bytes (the spare hard-links unchanged files)."""
    new = path.with_name(path.name + ".new")
    new.write_bytes(data)
    os.replace(new, path)


def truncated(path: Path, files: list[Path]) -> None:
    replace(path, path.read_bytes()[: path.stat().st_size // 2])


def bit_flipped(path: Path, files: list[Path]) -> None:
    data = bytearray(path.read_bytes() or b"\0")
    data[len(data) // 2] ^= 0x10
    replace(path, bytes(data))


def swapped(path: Path, files: list[Path]) -> None:
    """Swapped with the next file of the spare."""
    other = files[(files.index(path) + 1) % len(files)]
    mine, theirs = path.read_bytes(), other.read_bytes()
    replace(path, theirs)
    replace(other, mine)


def a_folder(path: Path, files: list[Path]) -> None:
    path.unlink()
    (path / "inside").mkdir(parents=True)


FAULTS: dict[str, Callable[[Path, list[Path]], None]] = {
    "truncated": truncated,
    "bit-flipped": bit_flipped,
    "swapped": swapped,
    "a folder": a_folder,
}


def copy(source: Path, target: Path) -> None:
    """`source` copied to `target` as it is: mtimes, and files linked together linked."""
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["cp", "-a", str(source), str(target)], check=True)


@pytest.mark.parametrize("fault", FAULTS)
def test_a_damaged_spare_never_goes_live(make_site: SiteMaker, tmp_path: Path, fault: str) -> None:
    site = make_site(STORIES, STORIES_CONFIG)
    out = site / "output"
    # Three builds: a record, articles, indexes, templates, the spare with its note, and
    # which outputs show each article are all in the cache.
    build_site(site, out)
    bodies = ["Body of story 5.", "New body.", "Newer body.", "Newest body."]
    for old, new in itertools.pairwise(bodies):
        edit(site, "content/05.md", old, new)
        if new != bodies[-1]:  # the last edit is for the build after the damage
            build_site(site, out)
    pristine = tmp_path / "pristine"
    copy(site, pristine)
    expected = tree(build_cold(site, tmp_path / "cold"))
    cache = site / CACHE_DIR
    [spare] = [p for p in cache.glob("output-*") if p.is_dir()]
    spared = sorted(p.relative_to(cache) for p in spare.rglob("*") if p.is_file())
    assert len(spared) > 30, spared
    names = spared[::5]  # every fifth: the spare's files are all alike to a build
    failures = []
    for name in names:
        copy(pristine, site)
        files = sorted(p for p in spare.rglob("*") if p.is_file())
        FAULTS[fault](cache / name, files)
        try:
            build_site(site, out)
        except Exception as exc:
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        differences = tree_differences(expected, tree(out))
        if differences:
            failures.append(f"{name}: not a clean build's output:\n{differences[:600]}")
    names_only = "\n".join(failure.split("\n")[0] for failure in failures)
    assert not failures, f"{fault}, {len(failures)} of {len(names)}:\n{names_only}\n{failures[0]}"


def build_cold(site: Path, out: Path) -> Path:
    result = run_digest("build", "--site", site, "--output", out, "--no-cache", cwd=REPO)
    assert result.returncode == 0, result.stderr
    return out
