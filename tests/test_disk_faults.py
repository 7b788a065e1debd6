"""A build that cannot write (its file system full, its output folder read-only) fails
with a clear error and leaves the published site as it was, through the real
command line; the file systems are real ones, mounted for the test (as root)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import STORIES, STORIES_CONFIG, SiteMaker, article, run_digest, tree, write_files


@contextmanager
def mounted(*command: str) -> Iterator[None]:
    """`mount` with `command` for the time of the block, then unmounted."""
    subprocess.run(["mount", *command], check=True)
    try:
        yield
    finally:
        subprocess.run(["umount", command[-1]], check=True)


def size_of(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


@pytest.mark.parametrize("cache", [True, False], ids=["cached", "no cache"])
def test_a_full_file_system_leaves_the_old_site_and_says_so(
    make_site: SiteMaker, tmp_path: Path, cache: bool
) -> None:
    site = make_site(STORIES, STORIES_CONFIG)
    disk = tmp_path / "disk"
    disk.mkdir()
    options = ["--output", str(disk / "output")] + ([] if cache else ["--no-cache"])
    probe = run_digest("build", "--site", site, "--output", str(tmp_path / "probe"))
    assert probe.returncode == 0, probe.stderr
    room = 4 * size_of(tmp_path / "probe") + 256 * 1024  # the site, staged, and some
    with mounted("-t", "tmpfs", "-o", f"size={room}", "tmpfs", str(disk)):
        first = run_digest("build", "--site", site, *options)
        assert first.returncode == 0, first.stderr
        before = tree(disk / "output")
        big = "Words of a long story. " * 4000
        write_files(
            site,
            {f"content/big-{n}.md": article(f"Big {n}", id=f"b{n}", body=big) for n in range(12)},
        )
        full = run_digest("build", "--site", site, *options)
        assert full.returncode == 1, full.stderr
        assert "No space left on device (the disk is full)" in full.stderr
        assert "build failed; output unchanged" in full.stderr
        assert "internal error" not in full.stderr
        assert tree(disk / "output") == before  # the published site as it was
        assert sorted(p.name for p in disk.iterdir()) == ["output"]  # nothing staged left


def test_a_read_only_output_folder_leaves_the_old_site_and_says_so(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site(STORIES, STORIES_CONFIG)
    out = tmp_path / "output"
    first = run_digest("build", "--site", site, "--output", str(out))
    assert first.returncode == 0, first.stderr
    before = tree(out)
    write_files(site, {"content/new.md": article("Newest", id="n")})
    with mounted("--bind", "-o", "ro", str(out), str(out)):
        refused = run_digest("build", "--site", site, "--output", str(out))
        assert refused.returncode == 1, refused.stderr
        assert "internal error" not in refused.stderr
        assert (
            f"error: {out}: Device or resource busy (it is in use, or a mount point"
            in refused.stderr
        )
        assert "build failed; output unchanged" in refused.stderr
        assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output", "site"]  # nothing staged
