"""The search page and its index: Pagefind's bundle of the articles, made with the site.

Every build here runs the real Pagefind (the one installed with digest);
queries against the index are the browser's job (tests/e2e/test_search.py).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from conftest import (
    CHANGES,
    STORIES,
    STORIES_CONFIG,
    TEST_CONFIG,
    SiteMaker,
    article,
    assert_same_as_cold,
    build_with_cli,
    edit,
    override,
    run_digest,
    tree,
    write_files,
)

from generator.search.pagefind import executable

# The test sites' settings, with search on (the default of a site that does not say).
CONFIG = TEST_CONFIG.replace("search: false\n", "")
STORIES_SEARCHED = STORIES_CONFIG.replace("search: false\n", "")
BUNDLE_FILES = {"pagefind/pagefind.js", "pagefind/pagefind-entry.json", "pagefind/wasm.en.pagefind"}


def entry(out: Path) -> dict[str, dict[str, dict[str, object]]]:
    """The bundle's pagefind-entry.json: its languages, each with its page count."""
    data: dict[str, dict[str, dict[str, object]]] = json.loads(
        (out / "pagefind/pagefind-entry.json").read_text()
    )
    return data


def inodes(out: Path) -> dict[str, int]:
    """The inode of each file of the bundle: the same inode is the same file, kept."""
    files = (p for p in (out / "pagefind").rglob("*") if p.is_file())
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in files}


def counting_pagefind(folder: Path) -> tuple[dict[str, str], Path]:
    """An environment whose Pagefind notes each run in a log, and that log."""
    log = folder / "pagefind-runs.log"
    wrapper = folder / "pagefind"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{executable()}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return {**os.environ, "PAGEFIND_BINARY_PATH": str(wrapper)}, log


def runs(log: Path) -> int:
    """How many times Pagefind indexed a site (not counting `--version`)."""
    if not log.exists():
        return 0
    return sum("--site" in line for line in log.read_text().splitlines())


def test_the_sample_site_has_an_index_of_its_articles_in_each_language(sample: Path) -> None:
    languages = entry(sample)["languages"]
    counts = {name: data["page_count"] for name, data in languages.items()}
    assert counts == {"en": 11, "ja": 1}  # the About page is in it too
    files = {p.relative_to(sample).as_posix() for p in (sample / "pagefind").rglob("*")}
    assert files >= BUNDLE_FILES
    assert any(file.startswith("pagefind/filter/") for file in files)  # tag, source, year
    # Pagefind's own ready-made interfaces are not published: the theme has its own.
    assert not [file for file in files if "-ui." in file or "highlight" in file]


def test_the_search_page_is_a_form_that_works_from_any_page(sample: Path) -> None:
    page = (sample / "search/index.html").read_text()
    assert '<form class="search-form" action="/search/" role="search"' in page
    assert '<label for="search-query">' in page and 'id="search-query" name="q"' in page
    assert 'data-index="/pagefind/pagefind.js"' in page
    assert "<noscript>" in page and 'href="/tags/"' in page and 'href="/archive/"' in page
    assert '<a href="/search/">Search</a>' in (sample / "index.html").read_text()
    # The search page alone loads a script; no page loads Pagefind until a query.
    others = [p for p in sample.rglob("*.html") if p.parent.name != "search"]
    assert not [p for p in others if '<script type="module"' in p.read_text()]
    sitemap = (sample / "sitemap.xml").read_text()
    assert "/search/" not in sitemap


def test_an_article_marks_what_the_index_holds_and_its_language(sample: Path) -> None:
    japanese = next(sample.glob("2025/03/14/東京都*/index.html")).read_text()
    assert '<html lang="ja">' in japanese
    assert '"inLanguage": "ja"' in japanese
    assert '<article class="article" data-pagefind-body>' in japanese
    assert 'data-pagefind-meta="date" data-pagefind-sort="date[datetime]"' in japanese
    assert 'data-pagefind-filter="year:2025"' in japanese
    assert 'data-pagefind-filter="tag">東京</a>' in japanese
    assert 'data-pagefind-filter="source[data-name]" data-name="Example Tokyo Desk"' in japanese
    english = sample / "2025/03/13/seoul-markets-steady-as-investors-weigh-export-data/index.html"
    assert '<html lang="en">' in english.read_text()
    # Lists are not indexed: a search finds the article, not the pages listing it.
    assert "data-pagefind-body" not in (sample / "index.html").read_text()


def test_search_false_makes_no_search_page_and_no_index(make_site: SiteMaker) -> None:
    site = make_site(
        {"content/a.md": article("Alpha", tags="[Asia]", source="Wire")},
        "title: T\nbase_url: https://example.org/\nsearch: false\n",
    )
    out = build_with_cli(site)
    files = set(tree(out))
    assert not [f for f in files if f.startswith(("pagefind/", "search/"))]
    pages = "".join(p.read_text() for p in out.rglob("*.html"))
    assert "pagefind" not in pages and "/search/" not in pages


def test_an_index_under_a_sub_path_gives_results_under_it(make_site: SiteMaker) -> None:
    site = make_site(
        {"content/a.md": article("Alpha")}, CONFIG.replace("example.org/", "example.org/news/")
    )
    page = (build_with_cli(site) / "search/index.html").read_text()
    assert 'action="/news/search/"' in page
    assert 'data-index="/news/pagefind/pagefind.js" data-base="/news/"' in page


def test_a_build_that_changes_no_article_page_keeps_the_index_without_pagefind(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site(STORIES, STORIES_SEARCHED)
    env, log = counting_pagefind(tmp_path)
    out = site / "output"
    assert run_digest("build", "--site", site, env=env).returncode == 0
    assert runs(log) == 1
    before = inodes(out)
    assert run_digest("build", "--site", site, env=env).returncode == 0  # nothing changed
    override(site, "tags.html", lambda text: text.replace("<h1>Tags</h1>", "<h1>Topics</h1>"))
    result = run_digest("build", "--site", site, env=env)  # the tags index alone changes
    assert result.returncode == 0, result.stderr
    assert runs(log) == 1
    assert inodes(out) == before
    assert_same_as_cold(site, out)


def test_an_edit_remakes_the_index_and_keeps_its_files_that_are_the_same(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site(STORIES, STORIES_SEARCHED)
    env, log = counting_pagefind(tmp_path)
    out = site / "output"
    assert run_digest("build", "--site", site, env=env).returncode == 0
    before = inodes(out)
    edit(site, "content/05.md", "Body of story 5.", "A body about zeppelins.")
    result = run_digest("build", "--site", site, env=env)
    assert result.returncode == 0, result.stderr
    assert runs(log) == 2
    after = inodes(out)
    assert after["pagefind/pagefind.js"] == before["pagefind/pagefind.js"]
    assert after["pagefind/wasm.en.pagefind"] == before["pagefind/wasm.en.pagefind"]
    assert after["pagefind/pagefind-entry.json"] != before["pagefind/pagefind-entry.json"]
    assert_same_as_cold(site, out)


def test_an_index_file_removed_by_hand_is_made_again(make_site: SiteMaker) -> None:
    site = make_site(STORIES, STORIES_SEARCHED)
    out = build_with_cli(site)
    fragment = next((out / "pagefind/fragment").iterdir())
    fragment.unlink()
    build_with_cli(site)
    assert fragment.is_file()
    assert_same_as_cold(site, out)


def test_deleted_and_added_articles_leave_and_join_the_index(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site(STORIES, STORIES_SEARCHED)
    out = build_with_cli(site)
    assert entry(out)["languages"]["en"]["page_count"] == 14
    (site / "content/05.md").unlink()
    write_files(site, {"content/ja.md": article("天気", body="今日の東京は晴れです。", lang="ja")})
    build_with_cli(site)
    languages = entry(out)["languages"]
    assert languages["en"]["page_count"] == 13 and languages["ja"]["page_count"] == 1
    assert_same_as_cold(site, out)


def test_a_site_with_no_articles_has_a_search_page_and_no_index(make_site: SiteMaker) -> None:
    out = build_with_cli(make_site({}, CONFIG))
    assert (out / "search/index.html").is_file()
    assert not (out / "pagefind").exists()


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        ("missing", "pip install 'pagefind[extended]==1.5.2'"),
        ("failing", "Pagefind failed (exit status 3): the index is broken"),
    ],
)
def test_an_index_that_cannot_be_made_fails_the_build_and_keeps_the_old_site(
    make_site: SiteMaker, tmp_path: Path, program: str, expected: str
) -> None:
    site = make_site(STORIES, STORIES_SEARCHED)
    out = build_with_cli(site)
    before = tree(out)
    edit(site, "content/05.md", "Body of story 5.", "New body.")
    failing = tmp_path / "failing-pagefind"
    failing.write_text("#!/bin/sh\necho 'the index is broken' >&2\nexit 3\n")
    failing.chmod(0o755)
    binary = {"missing": tmp_path / "nothing-here", "failing": failing}[program]
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(binary)}
    for cache in ((), ("--no-cache",)):
        result = run_digest("build", "--site", site, *cache, env=env)
        assert result.returncode == 1
        assert expected in result.stderr
        assert "output unchanged" in result.stderr
        assert tree(out) == before
        assert sorted(p.name for p in site.iterdir() if p.name.startswith(".output")) == []
    # Fixed, the next build is the cold build's site.
    build_with_cli(site)
    assert_same_as_cold(site, out)


def test_a_file_where_the_index_goes_is_an_error(make_site: SiteMaker) -> None:
    files = {"content/a.md": article("Alpha"), "content/pagefind/notes.txt": "mine"}
    site = make_site(files, CONFIG)
    result = run_digest("build", "--site", site)
    assert result.returncode == 1
    assert "content/pagefind/notes.txt: pagefind/ is where the search index goes" in result.stderr
    site_off = make_site(files, TEST_CONFIG)  # with search off, the folder is the site's
    assert (build_with_cli(site_off) / "pagefind/notes.txt").read_text() == "mine"


@pytest.mark.parametrize("change", CHANGES)
def test_after_any_change_the_site_and_its_index_are_what_a_cold_build_makes(
    make_site: SiteMaker, change: str
) -> None:
    site = make_site(STORIES, STORIES_SEARCHED)
    out = build_with_cli(site)
    CHANGES[change](site)
    build_with_cli(site)
    assert_same_as_cold(site, out)


def test_a_language_that_is_not_a_tag_is_an_error_at_its_line(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("Alpha", lang="Japanese please")})
    result = run_digest("build", "--site", site)
    assert result.returncode == 1
    assert (
        "content/a.md:4: lang must be a language tag such as ja or en-GB, got 'Japanese please'"
        in result.stderr
    )
