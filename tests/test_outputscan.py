"""The output folder looked at by a forked process (or here, where forking is unsafe)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import another_thread, children, in_a_new_process

from generator.incremental.outputscan import OutputScan
from generator.incremental.record import Recorded, size_and_time
from generator.write.tree import Strays


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


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_the_scan_finds_what_changed_and_what_the_record_does_not_list(
    output: tuple[Path, Recorded],
) -> None:
    out, recorded = output
    # In a new Python, which has no other threads and so forks: this one may have some,
    # left by other tests, and would then look at the folder here. Both looks leave the
    # id of the process they ran in.
    code = """
        import json, os, sys
        from pathlib import Path

        from generator.incremental import outputscan
        from generator.incremental.outputscan import OutputScan

        out, log = Path(sys.argv[1]), Path(sys.argv[3])
        recorded = {file: tuple(seen) for file, seen in json.loads(sys.argv[2]).items()}
        tasks = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")

        def children():
            return {int(c) for c in tasks.read_text().split()}

        def logged(look):
            def run(*args):
                with open(log, "a") as stream:
                    stream.write(f"{os.getpid()}\\n")
                return look(*args)
            return run

        outputscan.changed_files = logged(outputscan.changed_files)
        outputscan.strays = logged(outputscan.strays)
        outputscan.unlinked_files = logged(outputscan.unlinked_files)
        before = children()
        with OutputScan(out, recorded, out.parent / "spare") as scan:
            forked = children() - before
            assert len(forked) == 1, forked
            assert sorted(scan.changed()) == ["a/index.html", "b/index.html"]
            found = scan.strays()
            assert (found.hidden_files, found.hidden_folders) == ([".git/HEAD"], [".git"])
            assert found.unknown == ["c/notes.txt"]
            # Each answer is given once: what the folder held when it was looked at.
            (out / "index.html").write_text("changed after the scan")
            assert sorted(scan.changed()) == ["a/index.html", "b/index.html"]
            assert "index.html" in scan.unlinked()  # no spare: none of its files is live
        assert children() == before  # stopped and waited for
        looked = [int(pid) for pid in log.read_text().split()]
        assert looked == [*forked, *forked, *forked], (looked, forked)  # all over there
        """
    log = out.parent / "looked"
    in_a_new_process(code, str(out), json.dumps(recorded), str(log))


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_with_threads_running_the_folder_is_looked_at_here(
    output: tuple[Path, Recorded],
) -> None:
    out, recorded = output
    with another_thread():
        before = children()
        with OutputScan(out, recorded, out.parent / "spare") as scan:
            assert children() == before  # nothing forked
            (out / "index.html").write_text("changed after the scan began")
            assert "index.html" in scan.changed()  # looked at when asked
            assert scan.strays().unknown == ["c/notes.txt"]


def test_a_missing_output_folder_has_every_recorded_file_changed(tmp_path: Path) -> None:
    recorded = {"index.html": (10, 1, "key")}
    with OutputScan(tmp_path / "gone", recorded, tmp_path / "spare") as scan:
        assert scan.changed() == ["index.html"]
        assert scan.strays() == Strays([], [], [])
