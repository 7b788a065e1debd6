"""Work in forked processes: results as if done here, whatever goes wrong there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO, another_thread, in_a_new_process

from generator.parallel import Forked, guided_slices


@pytest.mark.parametrize(
    ("count", "jobs"), [(0, 2), (1, 2), (15, 2), (100, 1), (14_243, 2), (997, 7)]
)
def test_slices_cover_the_work_once_and_shrink_to_small_ones(count: int, jobs: int) -> None:
    slices = guided_slices(count, jobs, smallest=16)
    assert [i for start, end in slices for i in range(start, end)] == list(range(count))
    sizes = [end - start for start, end in slices]
    assert sizes == sorted(sizes, reverse=True)
    assert all(size <= 16 for size in sizes[-2:])
    assert len(slices) <= 2 * jobs * max(1, count).bit_length()


def test_forked_work_comes_back_in_order_from_every_process() -> None:
    in_a_new_process(
        """
        import os
        from generator.parallel import forked_map
        results = forked_map(lambda i: (i, os.getpid()), 5000, 2)
        assert [i for i, _ in results] == list(range(5000))
        assert os.getpid() not in {pid for _, pid in results}
        assert len({pid for _, pid in results}) == 2
        """
    )


def test_forked_work_reports_how_much_is_done_as_slices_come_back() -> None:
    in_a_new_process(
        """
        from generator.parallel import forked_map
        counts = []
        results = forked_map(lambda i: i * i, 5000, 2, counts.append)
        assert results == [i * i for i in range(5000)]
        assert len(counts) > 4, counts  # one report per slice, not one at the end
        assert counts == sorted(set(counts)) and counts[-1] == 5000, counts
        here = []
        assert forked_map(lambda i: i, 1000, 1, here.append) == list(range(1000))
        assert len(here) > 4 and here == sorted(set(here)), here
        """
    )


def test_a_build_reports_rendering_as_it_goes(tmp_path: Path) -> None:
    in_a_new_process(
        """
        import sys
        from pathlib import Path
        repo = Path(sys.argv[2])
        sys.path[:0] = [str(repo / "tests"), str(repo / "tests" / "benchmarks")]
        from running import big_site
        from generator.pipeline import BuildOptions, build
        site = big_site(Path(sys.argv[1]), 400)
        seen = []
        def progress(stage, done, total):
            if stage == "rendering":
                seen.append((done, total))
        build(BuildOptions(site_dir=site, cache=False, jobs=2, progress=progress))
        total = seen[0][1]
        done = [d for d, _ in seen]
        assert total > 1000 and all(t == total for _, t in seen), seen
        assert done == sorted(done) and done[-1] == total, seen
        assert len([d for d in done if 0 < d < total]) >= 3, seen  # several slices along
        """,
        str(tmp_path / "site"),
        str(REPO),
    )


def test_results_come_back_in_order_from_another_process() -> None:
    in_a_new_process(
        """
        import os
        from generator.parallel import Forked
        with Forked(os.getpid, lambda: [1, "two"]) as forked:
            assert forked.result(1) == [1, "two"]
            assert forked.result(0) != os.getpid()  # worked out over there
        """
    )


def test_a_result_that_cannot_travel_is_worked_out_here() -> None:
    in_a_new_process(
        """
        import os
        from generator.parallel import Forked
        with Forked(os.getpid, lambda: lambda: os.getpid(), lambda: 3) as forked:
            assert forked.result(0) != os.getpid()  # over there
            made = forked.result(1)  # a lambda does not pickle: the process gave up
            assert callable(made) and made() == os.getpid()
            assert forked.result(2) == 3
        """
    )


def test_an_error_over_there_is_raised_here(tmp_path: Path) -> None:
    in_a_new_process(
        """
        import sys
        from pathlib import Path
        from generator.parallel import Forked
        with Forked(Path(sys.argv[1]).read_text) as forked:
            try:
                forked.result(0)
            except FileNotFoundError:
                pass
            else:
                raise AssertionError("no error")
        """,
        str(tmp_path / "missing"),
    )


def test_with_other_threads_running_nothing_is_forked() -> None:
    with another_thread(), Forked(os.getpid) as forked:
        assert forked.result(0) == os.getpid()


def test_when_the_system_cannot_fork_the_work_is_done_here() -> None:
    in_a_new_process(
        """
        import os
        from generator.parallel import Forked

        def refuse():
            raise BlockingIOError(11, "Resource temporarily unavailable")

        os.fork = refuse
        opened = len(os.listdir("/proc/self/fd"))
        with Forked(os.getpid) as forked:
            assert forked.result(0) == os.getpid()
        assert len(os.listdir("/proc/self/fd")) == opened  # no pipe left open
        """
    )


def test_waiting_functions_look_only_once_let_go(tmp_path: Path) -> None:
    in_a_new_process(
        """
        import sys, time
        from pathlib import Path
        from generator.parallel import Forked
        flag = Path(sys.argv[1])
        with Forked(flag.exists, flag.exists, waiting=1) as forked:
            time.sleep(0.3)  # long enough for a process that did not wait to have looked
            flag.write_text("")
            forked.go()
            assert forked.result(0) is False and forked.result(1) is True
        """,
        str(tmp_path / "flag"),
    )


def test_waiting_functions_never_let_go_never_run() -> None:
    in_a_new_process(
        """
        import os
        from pathlib import Path
        from generator.parallel import Forked
        children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
        with Forked(os.getpid, os.getpid, waiting=1) as forked:
            assert forked.result(0) != os.getpid()
            assert len(children.read_text().split()) == 1
        assert children.read_text().split() == []  # stopped and waited for
        """
    )
