"""The output folder looked at by a forked process (or here, where forking is unsafe)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.incremental.outputscan import OutputScan, Recorded, Strays, size_and_time


def children() -> set[int]:
    """The processes this one started that are still there (zombies included)."""
    pid = os.getpid()
    return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


@pytest.fixture
def output(tmp_path: Path) -> Iterator[tuple[Path, Recorded]]:
    """An output folder as a build left it, and its record; then changed since."""
    out = tmp_path / "output"
    files = ["index.html", "a/index.html", "b/index.html", "c/feed.xml"]
    for file in files:
        (out / file).parent.mkdir(parents=True, exist_ok=True)
        (out / file).write_text(file)
    recorded = {file: (*size_and_time(out / file), "key") for file in files}
    (out / "a/index.html").write_text("changed by hand")
    (out / "b/index.html").unlink()
    (out / ".git").mkdir()
    (out / ".git/HEAD").write_text("ref")
    (out / "c/notes.txt").write_text("not the site's")
    yield out, recorded


def _check(scan: OutputScan) -> None:
    assert sorted(scan.changed()) == ["a/index.html", "b/index.html"]
    found = scan.strays()
    assert (found.hidden_files, found.hidden_folders) == ([".git/HEAD"], [".git"])
    assert found.unknown == ["c/notes.txt"]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_the_scan_finds_what_changed_and_what_the_record_does_not_list(
    output: tuple[Path, Recorded],
) -> None:
    out, recorded = output
    before = children()
    with OutputScan(out, recorded) as scan:  # forked, unless other tests left threads
        _check(scan)
        # Each answer is given once: what the folder held when it was looked at.
        (out / "index.html").write_text("changed after the scan")
        assert sorted(scan.changed()) == ["a/index.html", "b/index.html"]
    assert children() == before  # stopped and waited for


def test_with_threads_running_the_folder_is_looked_at_here(
    output: tuple[Path, Recorded],
) -> None:
    out, recorded = output
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with OutputScan(out, recorded) as scan:
            (out / "index.html").write_text("changed after the scan began")
            assert "index.html" in scan.changed()  # looked at when asked
            assert scan.strays().unknown == ["c/notes.txt"]
    finally:
        stop.set()
        thread.join()


def test_a_missing_output_folder_has_every_recorded_file_changed(tmp_path: Path) -> None:
    recorded = {"index.html": (10, 1, "key")}
    with OutputScan(tmp_path / "gone", recorded) as scan:
        assert scan.changed() == ["index.html"]
        assert scan.strays() == Strays([], [], [])
