"""A damaged build cache is never trusted: whatever happened to the files of
.digest-cache (cut short, a bit flipped, swapped with one another, a folder in a
file's place), the next build, after nothing or after an edit, makes what a cold
build makes, through the real command line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import STORIES, STORIES_CONFIG, SiteMaker, assert_same_as_cold, edit, run_digest

CACHE = ".digest-cache"


def cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def flip_a_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    if data:
        data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))


def make_a_folder(path: Path) -> None:
    path.unlink()
    (path / "inside").mkdir(parents=True)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "cut short": cut_short,
    "a bit flipped": flip_a_bit,
    "a folder instead": make_a_folder,
}


def cache_files(site: Path) -> list[Path]:
    """The files of the cache but those of the spare output tree, whose files are the
    live site's own (links to them): damaging those is damaging the site."""
    spares = [p for p in (site / CACHE).glob("output-*") if p.is_dir()]
    return sorted(
        path
        for path in (site / CACHE).rglob("*")
        if path.is_file() and not any(path.is_relative_to(spare) for spare in spares)
    )


def build(site: Path) -> None:
    built = run_digest("build", "--site", site)
    assert built.returncode == 0, built.stderr
    assert "internal error" not in built.stderr


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
@pytest.mark.parametrize("then", ["nothing", "an edit"])
def test_every_cache_file_damaged_then_a_build_is_a_cold_build(
    make_site: SiteMaker, damage: str, then: str
) -> None:
    site = make_site(STORIES, STORIES_CONFIG)
    build(site)
    edit(site, "content/03.md", "Body of story 3.", "First edit.")
    build(site)  # the edit path: the spare and its note exist now
    files = cache_files(site)
    assert len(files) > 5, files
    for path in files:
        DAMAGE[damage](path)
    if then == "an edit":
        edit(site, "content/05.md", "Body of story 5.", "Second edit.")
    build(site)
    assert_same_as_cold(site, site / "output")
    build(site)  # and the build after it, from what that one kept
    assert_same_as_cold(site, site / "output")


def test_cache_files_swapped_with_one_another_are_not_trusted(make_site: SiteMaker) -> None:
    site = make_site(STORIES, STORIES_CONFIG)
    build(site)
    edit(site, "content/03.md", "Body of story 3.", "First edit.")
    build(site)
    files = cache_files(site)
    contents = [path.read_bytes() for path in files]
    for path, data in zip(files, contents[1:] + contents[:1], strict=True):
        path.write_bytes(data)
    edit(site, "content/05.md", "Body of story 5.", "Second edit.")
    build(site)
    assert_same_as_cold(site, site / "output")


@pytest.mark.parametrize("what", ["gone", "a file"])
def test_a_spare_output_tree_gone_or_a_file_is_not_trusted(make_site: SiteMaker, what: str) -> None:
    site = make_site(STORIES, STORIES_CONFIG)
    build(site)
    edit(site, "content/03.md", "Body of story 3.", "First edit.")
    build(site)
    [spare] = [p for p in (site / CACHE).glob("output-*") if p.is_dir()]
    shutil.rmtree(spare)
    if what == "a file":
        spare.write_text("not a folder")
    edit(site, "content/05.md", "Body of story 5.", "Second edit.")
    build(site)
    assert_same_as_cold(site, site / "output")
