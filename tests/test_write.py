"""Pages and assets -> the output folder, and the checks before anything is written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2
import pytest
from conftest import SiteMaker, in_a_new_process, mtimes, tree, write_files

from generator.errors import SiteError
from generator.incremental.keys import KeyedOutputs, OutputKeys
from generator.incremental.record import Recorded, output_files
from generator.incremental.spare import SpareStaging
from generator.outputs import Output, check_outputs, file_output, fixed_output
from generator.pipeline import BuildOptions, output_dir
from generator.settings.config import SiteConfig
from generator.urls import output_file
from generator.write.stager import MakeEvery, Stager
from generator.write.write import WriteHooks, WriteReport, write_site


def page(url: str, text: str = "html", origin: str = "test") -> Output:
    return fixed_output(output_file(url), origin, text.encode())


def files_in(folder: Path) -> dict[str, str]:
    """Every file below `folder`, as text."""
    return {name: data.decode() for name, data in tree(folder).items()}


def test_pages_and_assets_are_written(tmp_path: Path) -> None:
    source = tmp_path / "map.svg"
    source.write_text("<svg/>")
    out = tmp_path / "out"
    report = write_site(
        out,
        [
            page("", "home"),
            page("2025/03/12/a/", "a"),
            page("404.html", "missing"),
            file_output("2025/03/map.svg", source, "content/2025/03/map.svg"),
        ],
    )
    assert report == WriteReport(written=4, unchanged=0, removed=0, made=4)
    assert files_in(out) == {
        "index.html": "home",
        "2025/03/12/a/index.html": "a",
        "404.html": "missing",
        "2025/03/map.svg": "<svg/>",
    }


def test_identical_second_write_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pages = [page("", "home"), page("tags/japan/", "japan")]
    write_site(out, pages)
    before = mtimes(out)
    assert write_site(out, pages) == WriteReport(written=0, unchanged=2, removed=0, made=2)
    assert mtimes(out) == before


def test_changed_page_is_rewritten_and_others_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(out, [page("", "home"), page("tags/", "tags")])
    before = mtimes(out)
    report = write_site(out, [page("", "home, updated"), page("tags/", "tags")])
    assert report == WriteReport(written=1, unchanged=1, removed=0, made=2)
    assert files_in(out) == {"index.html": "home, updated", "tags/index.html": "tags"}
    assert mtimes(out)["tags/index.html"] == before["tags/index.html"]


def test_stale_files_and_empty_folders_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(out, [page(""), page("page/2/"), page("tags/old/"), page("tags/")])
    (out / "tags" / "stray.txt").write_text("left over")
    report = write_site(out, [page(""), page("tags/")])
    assert report == WriteReport(written=0, unchanged=2, removed=3, made=2)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "index.html",
        "tags",
        "tags/index.html",
    ]


def test_a_folder_of_an_older_build_gives_way_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(out, [page("feed/")])
    write_site(out, [page("feed", "now a file")])
    assert files_in(out) == {"feed": "now a file"}


def test_outputs_differing_only_in_case_are_refused() -> None:
    pages = [
        page("2025/03/12/Seoul/", origin="content/a.md"),
        page("2025/03/12/seoul/", origin="content/b.md"),
    ]
    with pytest.raises(SiteError) as caught:
        check_outputs(pages)
    assert str(caught.value) == (
        "content/a.md: output 2025/03/12/Seoul/index.html / 2025/03/12/seoul/index.html "
        "would be written by content/a.md and content/b.md; give one of them another slug or path"
    )


def test_asset_colliding_with_a_page_is_refused() -> None:
    asset = fixed_output("About/index.html", "content/About/index.html", b"x")
    with pytest.raises(SiteError) as caught:
        check_outputs([page("about/", origin="content/about.md"), asset])
    assert str(caught.value).startswith(
        "content/About/index.html: output About/index.html / about/index.html would be written "
        "by content/About/index.html and content/about.md;"
    )


def test_distinct_outputs_pass() -> None:
    check_outputs([page(""), page("tags/"), fixed_output("style.css", "layouts", b"s")])


@pytest.mark.parametrize("url", ["../escape/", "2025/../../escape.html", "/etc/passwd"])
def test_output_paths_leaving_the_output_folder_are_refused(url: str) -> None:
    with pytest.raises(SiteError) as caught:
        check_outputs([page(url, origin="content/x.md")])
    file = url + "index.html" if url.endswith("/") else url
    assert str(caught.value) == f"content/x.md: output path {file!r} leaves the output folder"


@pytest.mark.parametrize("output", [".", "content", "content/out", "layouts/x", ".."])
def test_output_folder_must_not_hold_the_site(make_site: SiteMaker, output: str) -> None:
    site = make_site()
    with pytest.raises(SiteError) as caught:
        output_dir(BuildOptions(site_dir=site, output_dir=site / output))
    assert str(caught.value) == (
        f"{(site / output).resolve()}: the output folder must not contain the site or lie "
        "inside content/ or layouts/; choose another --output"
    )


def test_output_folder_defaults_to_site_output(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site()
    assert output_dir(BuildOptions(site_dir=site)) == (site / "output").resolve()
    elsewhere = tmp_path / "public"
    assert output_dir(BuildOptions(site_dir=site, output_dir=elsewhere)) == elsewhere.resolve()


def test_hidden_files_of_a_deploy_checkout_survive(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_files(out, {".git/HEAD": "ref", ".well-known/security.txt": "x", ".nojekyll": ""})
    (out / ".git/refs/tags").mkdir(parents=True)
    write_files(out, {"old/index.html": "stale"})
    report = write_site(out, [page("")])
    assert report.removed == 1
    assert sorted(files_in(out)) == [
        ".git/HEAD",
        ".nojekyll",
        ".well-known/security.txt",
        "index.html",
    ]


def test_a_spare_tree_is_brought_up_to_date_without_touching_the_live_site(
    tmp_path: Path,
) -> None:
    out, spare = tmp_path / "out", tmp_path / "cache" / "spare"
    one = [page("", "home 1"), page("a/", "a"), page("b/", "b"), page("old/", "old")]
    two = [page("", "home 2"), page("a/", "a"), page("b/", "b"), page("old/", "old")]
    three = [page("", "home 3"), page("a/", "a"), page("b/", "b changed"), page("new/", "new")]
    write_site(out, one, hooks=WriteHooks(staging=SpareStaging(spare)))
    write_site(out, two, hooks=WriteHooks(staging=SpareStaging(spare)))
    assert files_in(spare)["index.html"] == "home 1"  # the site before, kept
    before = {name: (out / name).stat() for name in files_in(out)}
    report = write_site(out, three, hooks=WriteHooks(staging=SpareStaging(spare)))
    assert report == WriteReport(written=3, unchanged=1, removed=1, made=4)
    assert files_in(out) == {
        "index.html": "home 3",
        "a/index.html": "a",
        "b/index.html": "b changed",
        "new/index.html": "new",
    }
    kept = (out / "a/index.html").stat()
    assert (kept.st_ino, kept.st_mtime_ns) == (
        before["a/index.html"].st_ino,
        before["a/index.html"].st_mtime_ns,
    )
    assert files_in(spare) == {  # the live site of build two, untouched by build three
        "index.html": "home 2",
        "a/index.html": "a",
        "b/index.html": "b",
        "old/index.html": "old",
    }


def test_a_damaged_spare_tree_still_gives_the_right_site(tmp_path: Path) -> None:
    out, spare = tmp_path / "out", tmp_path / "spare"
    pages = [page("", "home"), page("a/", "a"), page("b.html", "b")]
    write_site(out, pages, hooks=WriteHooks(staging=SpareStaging(spare)))
    write_site(out, pages, hooks=WriteHooks(staging=SpareStaging(spare)))
    shutil.rmtree(spare / "a")
    write_files(spare, {"a": "a file where a folder goes", "stray/x.html": "stray"})
    (spare / "b.html").unlink()
    (spare / "b.html").mkdir()
    (spare / "index.html").write_text("scribbled")
    write_site(out, pages, hooks=WriteHooks(staging=SpareStaging(spare)))
    assert files_in(out) == {"index.html": "home", "a/index.html": "a", "b.html": "b"}


# outputs made only when their key changed


def keyed(url: str, text: str, key: str) -> Output:
    """An output whose source is its key (as a file's or fixed bytes' fingerprint is)."""
    return Output(output_file(url), "test", text.encode, key)


def keyed_on(previous: Recorded) -> KeyedOutputs:
    """The check of a cached build whose last build wrote `previous`."""
    return KeyedOutputs(OutputKeys(jinja2.Environment(), SiteConfig()), previous)


def recorded(out: Path, outputs: list[Output]) -> Recorded:
    """What a build that wrote `outputs` into `out` records of them."""
    return output_files(out, {o.file: str(o.source) for o in outputs})


def never_made() -> bytes:
    raise AssertionError("an output whose file is current was made again")


def test_an_output_with_the_key_its_file_was_written_with_is_not_made(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = [keyed("", "home", "k1"), keyed("a/", "a", "k2"), keyed("b/", "b", "k3")]
    write_site(out, first)
    previous = recorded(out, first)
    before = mtimes(out)
    second = [
        Output("index.html", "test", never_made, "k1"),
        keyed("a/", "a, edited", "k4"),
        keyed("b/", "b", "k5"),  # a new key that makes the same bytes
    ]
    report = write_site(out, second, hooks=WriteHooks(keyed_on(previous)))
    assert report == WriteReport(written=1, unchanged=2, removed=0, made=2)
    assert files_in(out) == {"index.html": "home", "a/index.html": "a, edited", "b/index.html": "b"}
    assert mtimes(out)["b/index.html"] == before["b/index.html"]


def test_an_output_file_changed_since_it_was_written_is_made_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = [keyed("", "home", "k1"), keyed("a/", "a", "k2")]
    write_site(out, first)
    previous = recorded(out, first)
    (out / "index.html").write_text("scribbled by hand")
    (out / "a" / "index.html").unlink()
    report = write_site(out, first, hooks=WriteHooks(keyed_on(previous)))
    assert report == WriteReport(written=2, unchanged=0, removed=0, made=2)
    assert files_in(out) == {"index.html": "home", "a/index.html": "a"}


def test_outputs_made_over_processes_land_as_made_here(tmp_path: Path) -> None:
    # In a new Python, which has no other threads and so forks: this one may have
    # some, left by other tests, and would then make every output here. Each maker
    # leaves the id of the process it ran in.
    code = """
        import functools, os, sys
        from pathlib import Path

        import jinja2

        from generator.incremental.keys import KeyedOutputs, OutputKeys
        from generator.incremental.record import output_files
        from generator.incremental.spare import SpareStaging
        from generator.outputs import Output
        from generator.settings.config import SiteConfig
        from generator.write.write import WriteHooks, WriteReport, write_site

        root = Path(sys.argv[1])
        out, spare = root / "out", root / "spare"

        def made(text, makers):
            (makers / str(os.getpid())).touch()
            return text.encode()

        def keyed(n, text, key, makers):
            makers.mkdir(exist_ok=True)
            return Output(f"n/{n}/index.html", "test", functools.partial(made, text, makers), key)

        outputs = [keyed(n, f"page {n}", f"k{n}", root / "first") for n in range(300)]
        write_site(out, outputs, jobs=2, hooks=WriteHooks(staging=SpareStaging(spare)))
        previous = output_files(out, {o.file: o.source for o in outputs})
        changed = [
            keyed(n, f"page {n}, edited", "new", root / "again") if n % 100 == 7 else o
            for n, o in enumerate(outputs)
        ]
        check = KeyedOutputs(OutputKeys(jinja2.Environment(), SiteConfig()), previous)
        report = write_site(out, changed, jobs=2, hooks=WriteHooks(check, SpareStaging(spare)))
        assert report == WriteReport(written=3, unchanged=297, removed=0, made=3), report
        for makers in ("first", "again"):
            pids = {int(p.name) for p in (root / makers).iterdir()}
            assert pids and os.getpid() not in pids, (makers, pids)  # made over there
        """
    in_a_new_process(code, str(tmp_path))
    assert files_in(tmp_path / "out") == {
        f"n/{n}/index.html": f"page {n}" + ", edited" * (n % 100 == 7) for n in range(300)
    }


def test_an_error_while_making_an_output_in_a_worker_arrives_whole(tmp_path: Path) -> None:
    # In a new Python, which forks (see above); the broken maker leaves its process's id.
    code = """
        import os, sys
        from pathlib import Path

        from generator.errors import Problem, SiteError
        from generator.outputs import Output
        from generator.write.write import write_site

        root = Path(sys.argv[1])

        def broken():
            (root / "broken").write_text(str(os.getpid()))
            raise SiteError([Problem("layouts/list.html", 3, "a broken template")])

        outputs = [Output(f"n/{n}/index.html", "test", "x".encode, "k") for n in range(200)]
        outputs[150] = Output("n/150/index.html", "test", broken, "k")
        try:
            write_site(root / "out", outputs, jobs=2)
        except SiteError as error:
            assert str(error) == "layouts/list.html:3: a broken template", str(error)
        else:
            raise AssertionError("no error")
        maker = int((root / "broken").read_text())
        assert maker != os.getpid(), maker  # raised over there
        """
    in_a_new_process(code, str(tmp_path))
    assert not (tmp_path / "out").exists()


def test_two_workers_making_the_same_folder_where_a_file_stood_both_succeed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both workers see the old file; the first replaces it with the folder
    # before the second gets to unlink it.
    staging, out = tmp_path / "staging", tmp_path / "out"
    write_files(staging, {"x": "a file of an older site"})
    out.mkdir()
    real_unlink = os.unlink
    first = Stager(staging, out, MakeEvery(), first=False)

    def unlink_after_the_other_worker(path: str | Path) -> None:
        if str(path).endswith("/staging/x") and not (staging / "x").is_dir():
            monkeypatch.setattr(os, "unlink", real_unlink)
            first(page("x/a/", "a"))  # the other worker, right now
        real_unlink(path)

    monkeypatch.setattr(os, "unlink", unlink_after_the_other_worker)
    Stager(staging, out, MakeEvery(), first=False)(page("x/b/", "b"))
    assert files_in(staging) == {"x/a/index.html": "a", "x/b/index.html": "b"}


def test_an_output_standing_where_another_needs_a_folder_is_refused() -> None:
    with pytest.raises(SiteError) as caught:
        check_outputs([page("tags/", origin="tags index"), page("tags", origin="content/tags")])
    assert str(caught.value) == (
        "content/tags: output tags would stand where tags/index.html (from tags index) "
        "needs a folder; rename one of them"
    )
