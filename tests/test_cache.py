"""The build cache: unchanged articles are not read again, and a damaged cache is not trusted."""

from __future__ import annotations

import dataclasses
import platform
import sys
from importlib import metadata
from pathlib import Path

import pytest
from conftest import SiteMaker, article, assert_same_as_cold, build_with_cli, run_digest

from generator.content.loading import read_content
from generator.content.model import LoadedContent
from generator.content.reader import article_reader
from generator.incremental.articles import ArticleStore
from generator.incremental.store import (
    CACHE_DIR,
    LIBRARIES,
    installed_versions,
    keep,
    library_versions,
    load_kept,
)
from generator.settings.config import load_config
from generator.urls import Urls

FILES = {f"content/{n}.md": article(f"Story {n}", id=f"s{n}", tags="[x]") for n in range(6)}


def load(site: Path, cache: bool = True) -> tuple[LoadedContent, int]:
    """What read_content returns, and how many files it read (not took from the cache)."""
    config = load_config(site)
    urls = Urls(config.base_url, config.permalink)
    totals: list[int] = []
    store = ArticleStore(site, article_reader(site, config, urls), {}) if cache else None
    loaded = read_content(site, config, urls, 1, lambda _, __, total: totals.append(total), store)
    return loaded, totals[0]


def test_unchanged_articles_come_from_the_cache(make_site: SiteMaker) -> None:
    site = make_site(FILES)
    first, reads = load(site)
    assert reads == 6 and list((site / CACHE_DIR).glob("articles-*/*.pickle"))
    second, reads = load(site)
    assert reads == 0 and second == first
    (site / "content/3.md").write_text(article("Story 3", id="s3", body="Changed."))
    third, reads = load(site)
    assert reads == 1
    assert "<p>Changed.</p>" in third.articles[3].body_html
    assert load(site, cache=False)[0] == third


def test_a_change_of_settings_reads_everything_again(make_site: SiteMaker) -> None:
    site = make_site(FILES)
    load(site)
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "permalink: /{slug}/\n")
    loaded, reads = load(site)
    assert reads == 6 and loaded.articles[0].url == "story-0/"


def test_a_damaged_cache_is_ignored_and_rebuilt(make_site: SiteMaker) -> None:
    site = make_site(FILES)
    fresh, _ = load(site)
    shards = list((site / CACHE_DIR).glob("articles-*/*.pickle"))
    assert shards
    for shard in shards:
        data = bytearray(shard.read_bytes())
        data[len(data) // 2] ^= 0xFF
        shard.write_bytes(bytes(data))
    again, reads = load(site)
    assert reads == 6 and again == fresh
    for shard in shards:
        shard.write_bytes(b"not a cache at all")
    assert load(site) == (fresh, 6)


def test_warnings_of_cached_articles_are_still_reported(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("No Id")})
    for _ in range(2):
        result = run_digest("build", "--site", site)
        assert "content/a.md:1: warning: no 'id'" in result.stderr


def test_cached_builds_are_what_an_uncached_build_makes(make_site: SiteMaker) -> None:
    site = make_site(FILES)
    build_with_cli(site)  # the cache filled
    assert_same_as_cold(site, site / "output")
    (site / "content/3.md").write_text(article("Story 3", id="s3", body="Changed."))
    build_with_cli(site)  # the other articles taken from the cache
    assert_same_as_cold(site, site / "output")


def test_an_edit_rewrites_only_the_shard_that_holds_the_article(make_site: SiteMaker) -> None:
    site = make_site({f"content/{n}.md": article(f"Story {n}", id=f"s{n}") for n in range(40)})
    load(site)
    shards = sorted((site / CACHE_DIR).glob("articles-*/*.pickle"))
    assert len(shards) > 10  # the articles are spread out
    before = {shard: (shard.stat().st_ino, shard.stat().st_mtime_ns) for shard in shards}
    (site / "content/7.md").write_text(article("Story 7", id="s7", body="Changed."))
    loaded, reads = load(site)
    assert reads == 1
    changed = [s for s in shards if (s.stat().st_ino, s.stat().st_mtime_ns) != before[s]]
    assert len(changed) == 1
    changed[0].write_bytes(b"damaged")
    again, reads = load(site)
    assert 1 <= reads < 40 and again == loaded  # only the damaged shard's articles are read


def test_library_versions_are_those_importlib_metadata_reads() -> None:
    versions = library_versions()
    assert versions[0] == platform.python_version()
    for name, version in zip(LIBRARIES, versions[1:], strict=True):
        try:
            expected = metadata.version(name)
        except metadata.PackageNotFoundError:
            expected = ""
        assert version == expected, name
    assert versions[1:4] != ("", "", "")  # markdown, jinja2 and markupsafe are found


def test_installed_versions_are_read_from_metadata_folder_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, name in [
        (first, "Foo_Bar-1.2.3.dist-info"),
        (first, "old.pkg-0.9-py3.11.egg-info"),
        (second, "foo.bar-9.0.dist-info"),  # the same project, further down the path
        (second, "other-2.0.dist-info"),
    ]:
        (folder / name).mkdir(parents=True)
    (first / "not-a-package.txt").write_text("")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(first), str(second)])
    assert installed_versions() == {"foo-bar": "1.2.3", "old-pkg": "0.9", "other": "2.0"}


@dataclasses.dataclass(frozen=True)
class Kept:
    a: int


def test_a_value_kept_by_another_version_of_its_class_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kept.pickle"
    keep(path, "key", Kept(1))
    assert load_kept(path, "key", Kept) == Kept(1)
    assert load_kept(path, "other key", Kept) is None

    @dataclasses.dataclass(frozen=True)
    class Kept2:  # the same class in a later version, with another field
        a: int
        b: int

    Kept2.__qualname__ = Kept2.__name__ = "Kept"
    monkeypatch.setattr(sys.modules[__name__], "Kept", Kept2)
    assert load_kept(path, "key", Kept2) is None  # unpickled as Kept2, but without `b`
