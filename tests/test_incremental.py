"""Incremental builds: only outputs whose inputs changed are made, and the site is as a cold build.

Each output is keyed on what it is made from (keys.py); a build makes again
only outputs whose key differs from the one their file was written with.
"""

from __future__ import annotations

import dataclasses
import gc
import shutil
from pathlib import Path

import pytest
from conftest import (
    CHANGES,
    STORIES,
    STORIES_CONFIG,
    SiteMaker,
    article,
    assert_same_as_cold,
    build_site,
    edit,
    mtimes,
    override,
    tree,
    write_files,
)

from generator.errors import SiteError
from generator.incremental.build import build
from generator.incremental.store import CACHE_DIR
from generator.parallel import collector_paused
from generator.pipeline import BuildOptions, plan
from generator.write.write import write_site


def under_tags_heading(site: Path, markup: str) -> None:
    """Give the site its own tags.html, with `markup` after its heading."""
    override(site, "tags.html", lambda text: text.replace("</h1>", f"</h1>\n{markup}", 1))


def test_an_edited_body_makes_only_the_outputs_that_show_the_article(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    first = build_site(site, out)
    old, before = tree(out), mtimes(out)
    edit(site, "content/13.md", "Body of story 13.", "Body of story 13, corrected.")
    second = build_site(site, out)
    new = assert_same_as_cold(site, out)
    differ = {file for file in new if old.get(file) != new[file]}
    assert {"2025/03/05/story-13/index.html", "feed.xml", "tags/asia/atom.xml"} <= differ
    changed = {file for file, mtime in mtimes(out).items() if before.get(file) != mtime}
    assert changed == differ
    assert second.report.written == len(differ)
    assert 0 < second.report.made < (first.pages + first.feeds) / 2


@pytest.mark.parametrize(
    ("template", "shown_by"),
    [
        ("tags.html", {"tags/index.html"}),
        ("sources.html", {"sources/index.html"}),
        ("404.html", {"404.html"}),
    ],
)
def test_a_changed_template_remakes_only_the_pages_it_renders(
    make_site: SiteMaker, tmp_path: Path, template: str, shown_by: set[str]
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    before = mtimes(out)
    override(site, template, lambda text: text.replace("</h1>", "</h1>\n<p>changed</p>", 1))
    result = build_site(site, out)
    changed = {file for file, mtime in mtimes(out).items() if before.get(file) != mtime}
    assert changed == shown_by
    assert result.report.made == len(shown_by)
    assert b"<p>changed</p>" in (out / next(iter(shown_by))).read_bytes()
    assert_same_as_cold(site, out)


def test_a_template_used_through_an_import_remakes_every_page_that_imports_it(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    first = build_site(site, out)
    override(site, "_macros.html", lambda text: text + "\n{# a comment changes no page #}\n")
    result = build_site(site, out)
    assert result.report.written == 0
    # Everything but the pages whose templates do not import _macros.html: the
    # tags and sources indexes, the 404 page, the sitemap, robots.txt, feeds.opml,
    # the feeds (the digest feed's items have markup of their own, for e-mail)
    # and the files copied as they are.
    untouched = 3 + 3 + first.feeds + first.assets
    assert result.report.made == first.pages + first.feeds + first.assets - untouched
    assert_same_as_cold(site, out)


def test_a_change_of_settings_remakes_every_page_and_feed(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    first = build_site(site, out)
    edit(site, "site.yaml", "title: Test Digest", "title: The Test Digest")
    result = build_site(site, out)
    unaffected = 2  # robots.txt and sitemap.xml, keyed on their bytes, which name no title
    assert result.report.made == first.pages + first.feeds - unaffected
    assert_same_as_cold(site, out)


def test_an_output_file_changed_by_hand_is_made_again(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    (out / "index.html").write_text("defaced")
    (out / "tags" / "asia" / "index.html").unlink()
    result = build_site(site, out)
    assert (result.report.made, result.report.written) == (2, 2)
    assert_same_as_cold(site, out)


def test_a_damaged_build_record_is_not_trusted(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    first = build_site(site, out)
    [record] = (site / CACHE_DIR).glob("build-*.marshal")
    record.write_bytes(record.read_bytes()[:-100])
    edit(site, "content/01.md", "Body of story 1.", "Body of story 1, again.")
    result = build_site(site, out)
    assert result.report.made == first.pages + first.feeds + first.assets
    assert_same_as_cold(site, out)


def test_templates_kept_compiled_are_used_only_while_their_source_is_the_same(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    compiled = sorted((site / CACHE_DIR / "templates").iterdir())
    assert len(compiled) >= 5  # one per template and each template it uses
    marker = compiled[0].read_bytes()[:20]
    for file in compiled:  # damaged: each is compiled again
        file.write_bytes(marker + b"\0garbage")
    for record in (site / CACHE_DIR).glob("build-*.marshal"):
        record.unlink()  # every page made again
    build_site(site, out)
    assert_same_as_cold(site, out)
    assert all(not file.read_bytes().endswith(b"garbage") for file in compiled)
    under_tags_heading(site, "<p>From a changed template.</p>")
    build_site(site, out)
    assert b"From a changed template." in (out / "tags/index.html").read_bytes()
    assert_same_as_cold(site, out)


@pytest.mark.parametrize("change", CHANGES)
def test_after_any_change_the_output_is_what_a_cold_build_makes(
    make_site: SiteMaker, tmp_path: Path, change: str
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    build_site(site, out)  # the spare tree now holds a site too
    CHANGES[change](site)
    result = build_site(site, out)
    assert result.report.made > 0
    # Only an edit to the text looks at the outputs showing it alone (see test_edits.py).
    assert result.edited == ({"content/05.md"} if change == "body" else None)
    assert_same_as_cold(site, out)
    write_files(site, {"content/later.md": article("Later", "2025-06-01T00:00:00Z", id="l")})
    build_site(site, out)
    assert_same_as_cold(site, out)


def test_a_template_included_if_present_counts_from_when_it_appears(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    under_tags_heading(site, '{% include "note.html" ignore missing %}')
    build_site(site, out)
    write_files(site, {"layouts/note.html": "<p>A note on tags</p>\n"})
    result = build_site(site, out)
    assert result.report.made == 1
    assert b"<p>A note on tags</p>" in (out / "tags/index.html").read_bytes()
    assert_same_as_cold(site, out)


def test_a_template_chosen_at_render_time_depends_on_every_template(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    under_tags_heading(site, "{% set name = 'note' %}{% include 'bits/' ~ name ~ '.html' %}")
    write_files(site, {"layouts/bits/note.html": "<p>first</p>\n"})
    build_site(site, out)
    write_files(site, {"layouts/bits/note.html": "<p>second</p>\n"})
    result = build_site(site, out)
    assert b"<p>second</p>" in (out / "tags/index.html").read_bytes()
    assert result.report.made == 1  # pages of templates that name no template by a variable stay
    assert_same_as_cold(site, out)


@pytest.mark.parametrize(
    ("included", "message"),
    [
        ("{% if %}", "layouts/broken.html:1: Expected an expression"),
        (None, "template error: 'broken.html' not found"),
    ],
)
def test_a_broken_or_missing_included_template_is_a_site_error(
    make_site: SiteMaker, tmp_path: Path, included: str | None, message: str
) -> None:
    site = make_site(STORIES, STORIES_CONFIG)
    override(
        site, "tags.html", lambda text: text.replace("</h1>", '</h1>{% include "broken.html" %}')
    )
    if included is not None:
        write_files(site, {"layouts/broken.html": included})
    with pytest.raises(SiteError) as caught:
        build_site(site, tmp_path / "out")
    assert message in str(caught.value)


def test_a_template_saved_during_a_build_is_not_half_used(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    # The keys and the rendering of one build see the templates as they were
    # when it first read them; the next build sees the new one.
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    override(site, "404.html", lambda text: text.replace("</h1>", "</h1><p>one</p>", 1))
    planned, _ = plan(BuildOptions(site_dir=site))
    override(site, "404.html", lambda text: text.replace("</h1>", "</h1><p>two</p>", 1))
    write_site(out, planned.outputs)
    assert b"<p>one</p>" in (out / "404.html").read_bytes()
    build_site(site, out)
    assert b"<p>two</p>" in (out / "404.html").read_bytes()
    assert_same_as_cold(site, out)


def test_a_file_changed_during_a_build_fails_it_and_the_next_build_copies_it(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    files = {**STORIES, "content/map.svg": "<svg>one</svg>"}
    site, out = make_site(files, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    write_files(site, {"content/map.svg": "<svg>two</svg>"})
    planned, _ = plan(BuildOptions(site_dir=site))
    write_files(site, {"content/map.svg": "<svg>three</svg>"})
    with pytest.raises(SiteError, match=r"content/map\.svg: changed while the site was built"):
        write_site(out, planned.outputs)
    assert (out / "map.svg").read_text() == "<svg>one</svg>"
    build_site(site, out)
    assert (out / "map.svg").read_text() == "<svg>three</svg>"
    assert_same_as_cold(site, out)


def test_a_hidden_file_of_the_theme_is_updated_like_any_other(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    write_files(site, {"layouts/static/.well-known/security.txt": "Contact: one"})
    build_site(site, out)
    write_files(site, {"layouts/static/.well-known/security.txt": "Contact: two"})
    build_site(site, out)
    assert (out / ".well-known/security.txt").read_text() == "Contact: two"
    assert_same_as_cold(site, out)


def test_tag_pages_that_name_their_tag_are_not_made_for_articles_they_do_not_show(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    # The default list.html shows a tag's name, URL and number of articles;
    # one that lists every article of the tag on each page depends on them all.
    made = {}
    for theme in ("default", "lists every article"):
        site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / theme
        if theme != "default":
            override(
                site,
                "list.html",
                lambda text: text.replace(
                    "</h1>", "</h1>{% for a in tag.articles %}{{ a.title }}; {% endfor %}", 1
                ),
            )
        build_site(site, out)
        edit(site, "content/01.md", "title: 'Story 1'", "title: 'Story One'")
        made[theme] = build_site(site, out).report.made
        assert_same_as_cold(site, out)
        edit(site, "content/01.md", "title: 'Story One'", "title: 'Story 1'")
        shutil.rmtree(site)
    asia_pages = 4  # 8 articles tagged Asia, 2 to a page; story 1 is on the last
    assert made["lists every article"] - made["default"] == asia_pages - 1


def test_the_cycle_collector_is_paused_during_a_build_and_running_after_it(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    # The library's build leaves the collector alone; the CLI and serve pause it.
    site = make_site(STORIES, STORIES_CONFIG)
    seen = set()
    options = BuildOptions(site_dir=site, output_dir=tmp_path / "out", jobs=1)
    options = dataclasses.replace(options, progress=lambda *_: seen.add(gc.isenabled()))
    build(options)
    assert seen == {True}
    seen.clear()
    with collector_paused():
        build(options)
    assert seen == {False}
    assert gc.isenabled()
    with pytest.raises(SiteError), collector_paused():
        build(dataclasses.replace(options, site_dir=tmp_path / "nowhere"))
    assert gc.isenabled()
