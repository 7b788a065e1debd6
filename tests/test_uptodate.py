"""A build with nothing to do does nothing, and anything that matters makes it build again."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from conftest import (
    SiteMaker,
    article,
    assert_same_as_cold,
    environment,
    mtimes,
    run_digest,
    write_files,
)

from generator.incremental.record import SETTLED_NS, input_stamp, load_hashed
from generator.incremental.store import hashed_file

FILES = {
    "content/a.md": article("Alpha", id="a", tags="[x]"),
    "content/b.md": article("Beta", id="b", date="2025-03-13"),
}


def profiled_build(site: Path, *extra: str, epoch: int | None = None) -> tuple[list[str], str]:
    """Build with --profile; return the stages the build went through, and stdout + stderr."""
    result = run_digest("build", "--site", site, "--profile", *extra, env=environment(epoch))
    assert result.returncode == 0, result.stderr
    report = result.stdout.split("time by stage:\n")[1]
    return [line.split()[0] for line in report.splitlines()], result.stdout + result.stderr


def test_a_second_build_with_nothing_changed_does_nothing(make_site: SiteMaker) -> None:
    site = make_site(FILES)
    stages, _ = profiled_build(site)
    assert "rendering" in stages
    before = mtimes(site / "output")
    stages, output = profiled_build(site)
    assert stages == ["starting"]
    assert "built 2 articles: " in output and "(0 rendered, 0 written, " in output
    assert mtimes(site / "output") == before


@pytest.mark.parametrize(
    "change",
    ["content", "new asset", "layout", "config", "option", "output edited", "output deleted"],
)
def test_anything_that_matters_builds_again(make_site: SiteMaker, change: str) -> None:
    site = make_site(FILES)
    profiled_build(site)
    extra: list[str] = []
    options: dict[str, str] = {}
    page = site / "output/2025/03/12/alpha/index.html"
    if change == "content":
        (site / "content/a.md").write_text(article("Alpha", id="a", body="New words."))
    elif change == "new asset":
        (site / "content/map.svg").write_text("<svg/>")
    elif change == "layout":
        (site / "layouts").mkdir()
        (site / "layouts/404.html").write_text("<p>gone</p>\n")
    elif change == "config":
        (site / "site.yaml").write_text((site / "site.yaml").read_text() + "page_size: 1\n")
    elif change == "option":
        extra = ["--base-url", "https://other.example.net/"]
        options = {"base_url": "https://other.example.net/"}
    elif change == "output edited":
        page.write_text("scribbled")
    else:
        page.unlink()
    stages, _ = profiled_build(site, *extra)
    assert "rendering" in stages
    assert "scribbled" not in page.read_text()
    assert_same_as_cold(site, site / "output", **options)
    assert profiled_build(site, *extra)[0] == ["starting"]


def test_a_future_article_is_published_when_its_time_comes(
    make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({**FILES, "content/soon.md": article("Soon", id="s", date="2030-01-01")})

    def build_at(epoch: int) -> list[str]:
        """The stages of a build at `epoch`, whose output must be a cold build's then."""
        stages, _ = profiled_build(site, epoch=epoch)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))  # for the cold build
        assert_same_as_cold(site, site / "output")
        return stages

    build_at(1_800_000_000)  # 2027
    assert not (site / "output/2030").exists()
    assert build_at(1_800_000_100) == ["starting"]
    build_at(1_900_000_000)  # 2030-03-17
    assert (site / "output/2030/01/01/soon/index.html").is_file()
    build_at(1_800_000_000)  # back in 2027: unpublished again
    assert not (site / "output/2030").exists()


def test_warnings_are_repeated_when_nothing_is_built(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("No Id")})
    for expected in (["rendering"], ["starting"]):
        stages, output = profiled_build(site)
        assert set(expected) <= set(stages)
        assert "content/a.md:1: warning: no 'id'" in output


def test_a_file_hashed_before_is_not_read_while_it_stays_as_it_was(tmp_path: Path) -> None:
    site = tmp_path
    (site / "content").mkdir()
    page = site / "content/a.md"
    page.write_text("one")
    stat = page.stat()
    settled = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    stamp = input_stamp(site, [], (), {str(page): (*settled, "taken-before")})
    assert stamp.prints[str(page)] == "taken-before"  # reused, not read
    stamp = input_stamp(site, [], (), {str(page): (*settled[:3], 0, "taken-before")})
    assert stamp.prints[str(page)] == hashlib.sha256(b"one").hexdigest()  # another file: read


def test_a_file_just_changed_is_hashed_again_next_time(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text("one")
    # Changed less than SETTLED_NS ago: its hash is not kept.
    assert input_stamp(tmp_path, [], (), {}).hashed == {}


def test_an_edit_that_keeps_size_and_mtime_is_seen(make_site: SiteMaker) -> None:
    site = make_site(FILES)
    source = site / "content/a.md"
    time.sleep(SETTLED_NS / 1e9 + 0.1)  # long enough for the hashes to be kept
    profiled_build(site)
    assert str(source) in load_hashed(hashed_file(site))
    before = source.stat()
    source.write_text(source.read_text().replace("Alpha", "Alpho"))
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert source.stat().st_size == before.st_size
    stages, _ = profiled_build(site)
    assert "rendering" in stages
    assert "Alpho" in (site / "output/2025/03/12/alpho/index.html").read_text()
    assert_same_as_cold(site, site / "output")


def test_the_frame_takes_in_every_input_but_the_bytes_of_articles(tmp_path: Path) -> None:
    files = {"site.yaml": "title: T\n", "content/a.md": "one", "content/map.svg": "<svg/>"}
    write_files(tmp_path, files)

    def frame() -> str:
        return input_stamp(tmp_path, [], (), {}).frame

    first = frame()
    write_files(tmp_path, {"content/a.md": "two"})
    assert frame() == first
    for name in ("site.yaml", "content/map.svg"):
        write_files(tmp_path, {name: "changed"})
        assert frame() != first, name
        first = frame()


def test_articles_left_to_be_read_later_make_the_same_stamp_once_taken(tmp_path: Path) -> None:
    files = {"site.yaml": "title: T\n", "content/a.md": "one", "content/map.svg": "<svg/>"}
    write_files(tmp_path, files)
    now = input_stamp(tmp_path, [], (), {})
    later = input_stamp(tmp_path, [], (), {}, read_later=True)
    article, image = str(tmp_path / "content/a.md"), str(tmp_path / "content/map.svg")
    assert article not in later.prints and image in later.prints
    assert later.frame == now.frame
    with pytest.raises(ValueError, match="not hashed yet"):
        _ = later.whole
    assert later.taken({article: now.prints[article]}).whole == now.whole
    assert later.taken({}).whole == now.whole  # what nobody read is read here
