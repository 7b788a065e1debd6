"""Two builds of one site at once (issue 18): the second fails at once, touching nothing,
or with --wait waits for the first; either way the output is what one build makes."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, assert_same_as_cold, build_with_cli, run_digest, write_files
from running import big_site, has_workers, kill_all, start_build, wait_for

# A second build without the cache writes the same output folder, so it waits its turn too.
SECOND = {"cached": [], "no cache": ["--no-cache"]}


def retitle(site: Path, title: str) -> None:
    """Give the site another title: every page and feed is made again."""
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("title: Busy Digest", f"title: {title}"))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@contextlib.contextmanager
def a_build_running(folder: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A site built once, then retitled and being built again by a `digest build` in the
    background, which has come as far as reading or rendering; it must succeed."""
    site = big_site(folder, 600)
    build_with_cli(site)
    retitle(site, "Busier Digest")
    first = start_build(site)
    try:
        wait_for(lambda: has_workers(first), "the first build's workers")
        yield site, first
        _, err = first.communicate(timeout=120)
        assert first.returncode == 0, err
    finally:
        kill_all(first.pid)


@pytest.mark.parametrize("second", SECOND)
def test_a_second_build_while_one_runs_fails_at_once(tmp_path: Path, second: str) -> None:
    with a_build_running(tmp_path / "site") as (site, first):
        started = time.monotonic()
        result = run_digest("build", "--site", site, *SECOND[second], cwd=REPO)
        waited = time.monotonic() - started
        assert result.returncode == 1, result.stdout + result.stderr
        assert first.poll() is None, "the first build ended before the second tried"
        assert f"another build of this site is running (pid {first.pid})" in result.stderr
        assert waited < 30  # at once, not after the first build
    assert_same_as_cold(site, site / "output")
    build_with_cli(site)  # and the builds after it keep nothing of a second one
    assert_same_as_cold(site, site / "output")


def test_with_wait_the_second_build_builds_after_the_first(tmp_path: Path) -> None:
    with a_build_running(tmp_path / "site") as (site, _):
        # What the second build sees is the site as it is when it starts.
        write_files(site, {"content/late.md": "---\ntitle: Late\ndate: 2024-01-01\n---\nLate."})
        second = run_digest("build", "--site", site, "--wait", cwd=REPO)
    assert second.returncode == 0, second.stderr
    assert_same_as_cold(site, site / "output")
    assert (site / "output" / "index.html").read_bytes().count(b"Busier Digest")


def test_a_build_held_off_touches_nothing_and_names_the_holder(tmp_path: Path) -> None:
    from generator.incremental.lock import build_lock  # here: the base had none (issue 18)

    site = big_site(tmp_path / "site", 20)
    build_with_cli(site)
    retitle(site, "Busier Digest")
    before, cache = snapshot(site / "output"), snapshot(site / ".digest-cache")
    with build_lock(site):  # as a build in this process would hold it
        for extra in SECOND.values():
            result = run_digest("build", "--site", site, *extra, cwd=REPO)
            assert result.returncode == 1, result.stdout + result.stderr
            assert f"another build of this site is running (pid {os.getpid()})" in result.stderr
            assert "output unchanged" in result.stderr
    assert snapshot(site / "output") == before
    assert {k: v for k, v in snapshot(site / ".digest-cache").items() if k != "lock"} == {
        k: v for k, v in cache.items() if k != "lock"
    }
    assert sorted(p.name for p in site.glob(".output*")) == []
