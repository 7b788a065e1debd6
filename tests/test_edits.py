"""Builds after edits to the text of articles look only at the outputs that show them.

Whatever the build looks at, the output must be what a cold build makes and
the record must hold the keys a build of the whole site would find, or a
later build would keep a stale file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
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
    tree,
    write_files,
)

from generator.content.model import Article
from generator.incremental import edits
from generator.incremental.articles import TEXT_FIELDS
from generator.incremental.assembled import Assembled
from generator.incremental.build import assemble
from generator.incremental.edits import outputs_showing
from generator.incremental.record import load_record
from generator.incremental.store import CACHE_DIR, load_pickle, record_file
from generator.pipeline import (
    BuildOptions,
    BuildResult,
    Settings,
    build_time,
    plan_site,
    read_settings,
)
from generator.serve.preview import LastBuild, preview
from generator.site.assemble import assemble as assemble_articles
from generator.site.model import Selection


def recorded_keys(site: Path, out: Path) -> dict[str, str]:
    record = load_record(record_file(site, out))
    assert record is not None
    return {file: key for file, (_, _, key) in record.files.items()}


def assembled_as_cached(options: BuildOptions) -> tuple[Settings, Assembled]:
    """The site as a cached build assembles it, with its settings."""
    settings = read_settings(options, build_time())
    return settings, assemble(settings, {})[0]


def keys_of_every_output(options: BuildOptions) -> dict[str, str]:
    """The key of every output, as a build that looks at the whole site finds them."""
    settings, assembled = assembled_as_cached(options)
    planned = plan_site(settings, assembled.site, assembled.env, assembled.content)
    return {output.file: assembled.keys.output_key(output) for output in planned.outputs}


def whole_site_keys(site: Path, out: Path) -> dict[str, str]:
    return keys_of_every_output(BuildOptions(site_dir=site, output_dir=out))


def retext(site: Path, name: str, words: str) -> None:
    """Append `words` to the body of article `name`."""
    path = site / name
    path.write_text(path.read_text() + f"\n{words}\n")


def noted_spare(make_site: SiteMaker, tmp_path: Path) -> tuple[Path, Path, BuildResult]:
    """A site built twice: the spare in its cache now holds the first build, with a note
    of how it differs from the output folder (see write.py)."""
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    retext(site, "content/01.md", "One.")
    return site, out, build_site(site, out)


def test_an_edit_to_the_text_makes_what_a_cold_build_makes_looking_at_few_outputs(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    first = build_site(site, out)
    assert first.edited is None
    retext(site, "content/13.md", "A correction.")
    second = build_site(site, out)
    assert second.edited == {"content/13.md"}
    assert_same_as_cold(site, out)
    assert recorded_keys(site, out) == whole_site_keys(site, out)
    assert 0 < second.report.made < (first.pages + first.feeds) / 2
    assert "2025/03/05/story-13/index.html" in second.report.changed
    assert (second.pages, second.feeds, second.assets) == (first.pages, first.feeds, first.assets)


def test_a_new_summary_is_an_edit_to_the_text(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    edit(site, "content/13.md", "id: s13", "id: s13\nsummary: A summary of its own.")
    result = build_site(site, out)
    assert result.edited == {"content/13.md"}
    assert b"A summary of its own." in (out / "index.html").read_bytes()
    assert_same_as_cold(site, out)
    assert recorded_keys(site, out) == whole_site_keys(site, out)


@pytest.mark.parametrize("twice", [False, True])  # the second time, the spare has a note
def test_pages_and_feeds_changed_by_hand_are_made_again(
    make_site: SiteMaker, tmp_path: Path, twice: bool
) -> None:
    if twice:
        site, out, _ = noted_spare(make_site, tmp_path)
    else:
        site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
        build_site(site, out)
    (out / "tags/index.html").write_text("defaced")
    (out / "tags/asia/atom.xml").unlink()
    retext(site, "content/02.md", "More.")
    result = build_site(site, out)
    assert result.edited == {"content/02.md"}
    assert_same_as_cold(site, out)
    retext(site, "content/03.md", "And more.")
    assert build_site(site, out).edited == {"content/03.md"}
    assert_same_as_cold(site, out)


@pytest.mark.parametrize("file", ["style.css", "sitemap.xml", "robots.txt", "feeds.opml"])
def test_other_files_changed_by_hand_send_the_build_through_the_whole_site(
    make_site: SiteMaker, tmp_path: Path, file: str
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    (out / file).write_text("defaced")
    retext(site, "content/02.md", "More.")
    assert build_site(site, out).edited is None
    assert_same_as_cold(site, out)


def test_a_page_previewed_by_serve_is_made_again_and_stays_right_after(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out, last = noted_spare(make_site, tmp_path)
    assert last.site is not None and last.env is not None
    retext(site, "content/13.md", "Previewed.")
    shown = LastBuild(site, out, last.site, last.env)
    assert preview(shown, [site / "content/13.md"]) == ["2025/03/05/story-13/index.html"]
    assert build_site(site, out).edited == {"content/13.md"}
    assert_same_as_cold(site, out)
    retext(site, "content/02.md", "Two.")  # swaps the spare back in
    build_site(site, out)
    assert_same_as_cold(site, out)


def test_an_edit_to_a_draft_writes_nothing(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    edit(site, "content/05.md", "id: s5", "id: s5\ndraft: true")
    build_site(site, out)
    before = tree(out)
    retext(site, "content/05.md", "Still a draft.")
    result = build_site(site, out)
    assert result.edited == {"content/05.md"}
    assert (result.report.made, result.report.written) == (0, 0)
    assert tree(out) == before
    assert_same_as_cold(site, out)


def test_a_run_of_random_edits_always_gives_the_cold_site_and_the_whole_sites_keys(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    chance = random.Random(6)
    for step in range(12):
        name = f"content/{chance.randrange(14):02}.md"
        if chance.random() < 0.7:
            retext(site, name, f"Step {step}.")
        else:
            CHANGES[chance.choice(["tags", "title", "base template", "page size"])](site)
        build_site(site, out)
        assert_same_as_cold(site, out)
        assert recorded_keys(site, out) == whole_site_keys(site, out), f"step {step}"


def test_the_outputs_whose_keys_change_with_an_articles_text_are_among_those_showing_it(
    make_site: SiteMaker,
) -> None:
    site = make_site(STORIES, STORIES_CONFIG)
    options = BuildOptions(site_dir=site, jobs=1)
    _, assembled = assembled_as_cached(options)
    before = keys_of_every_output(options)
    for each in assembled.site.articles:
        original = (site / each.path).read_text()
        retext(site, each.path, "Edited.")
        _, edited = assembled_as_cached(options)
        after = keys_of_every_output(options)
        changed = {file for file in after if after[file] != before[file]}
        outputs, _ = outputs_showing(edited, frozenset({each.path}))
        shown = {output.file for output in outputs}
        assert f"{each.url}index.html" in changed
        assert changed <= shown, each.path
        assert len(shown) < len(after) / 2
        (site / each.path).write_text(original)


def test_assembling_reads_no_text_of_the_articles(make_site: SiteMaker) -> None:
    site = make_site(STORIES, STORIES_CONFIG)
    _, assembled = assembled_as_cached(BuildOptions(site_dir=site, jobs=1))
    articles, config, urls = assembled.content.articles, assembled.site.config, assembled.site.urls
    rewritten = [
        dataclasses.replace(
            a, body_html=f"<p>{n}</p>", words=n, summary=f"Other {n}", summary_from_body=n % 2 == 0
        )
        for n, a in enumerate(articles)
    ]
    assert set(TEXT_FIELDS) == {"body_html", "words", "summary", "summary_from_body"}
    selection = Selection(now=None)
    one, other = (
        assemble_articles(articles, config, urls, selection),
        assemble_articles(rewritten, config, urls, selection),
    )
    assert shape(one) == shape(other)


def shape(value: object) -> object:
    """`value` with every article replaced by its path: what assembling made of them."""
    if isinstance(value, Article):
        return ("article", value.path)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            *(shape(getattr(value, f.name)) for f in dataclasses.fields(value)),
        )
    if isinstance(value, tuple | list):
        return tuple(shape(item) for item in value)
    if isinstance(value, dict) or hasattr(value, "items"):
        return tuple((key, shape(item)) for key, item in value.items())  # type: ignore[attr-defined]
    return value


def test_hidden_files_of_the_output_folder_stay_and_other_strangers_go(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    write_files(out, {".git/HEAD": "ref: main", "tags/.htaccess": "Deny", "stray.html": "?"})
    (out / ".nojekyll").touch()
    for step in range(3):
        retext(site, f"content/0{step}.md", f"Step {step}.")
        if step == 1:
            (out / ".nojekyll").unlink()
            write_files(out, {".git/HEAD": "ref: other"})
        result = build_site(site, out)
        assert result.edited == {f"content/0{step}.md"}
        assert (out / ".git/HEAD").read_text() == ("ref: main" if step == 0 else "ref: other")
        assert (out / "tags/.htaccess").read_text() == "Deny"
        assert (out / ".nojekyll").exists() == (step == 0)
        assert not (out / "stray.html").exists()
        assert_same_as_cold(site, out, not_built={".git/HEAD", "tags/.htaccess", ".nojekyll"})


def test_without_a_note_of_the_spare_every_file_is_checked(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out, _ = noted_spare(make_site, tmp_path)
    [note] = (site / CACHE_DIR).glob("output-*.json")
    note.unlink()
    [spare] = (site / CACHE_DIR).glob("output-*/")
    (spare / "index.html").unlink()  # a spare the note no longer vouches for
    retext(site, "content/02.md", "Two.")
    assert build_site(site, out).edited == {"content/02.md"}
    assert_same_as_cold(site, out)
    assert note.exists()


def test_damaged_kept_links_are_worked_out_again(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    kept = site / CACHE_DIR / "indexes.pickle"
    kept.write_bytes(kept.read_bytes()[:-10] + b"0123456789")
    retext(site, "content/02.md", "More.")
    assert build_site(site, out).edited == {"content/02.md"}
    assert_same_as_cold(site, out)
    assert load_pickle(kept) is not None  # kept again, whole


def test_which_outputs_show_each_article_is_kept_for_the_next_edit_only(
    make_site: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, out = make_site(STORIES, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    worked_out = []
    original = edits.shown_by
    monkeypatch.setattr(edits, "shown_by", lambda *a: worked_out.append(1) or original(*a))
    for step, name in enumerate(["content/02.md", "content/03.md", "content/02.md"]):
        retext(site, name, f"Edit {step}.")
        assert build_site(site, out).edited == {name}
        assert_same_as_cold(site, out)
    assert worked_out == [1]  # by the first build after an edit, then kept
    CHANGES["title"](site)  # a build of the whole site: what was kept no longer holds
    build_site(site, out)
    assert not list((site / CACHE_DIR).glob("shown-*.pickle"))
    retext(site, "content/03.md", "Edit 4.")
    assert build_site(site, out).edited == {"content/03.md"}
    assert worked_out == [1, 1]
    assert_same_as_cold(site, out)
    [kept] = (site / CACHE_DIR).glob("shown-*.pickle")
    kept.write_bytes(kept.read_bytes()[:-10] + b"0123456789")  # damaged: worked out again
    retext(site, "content/02.md", "Edit 5.")
    assert build_site(site, out).edited == {"content/02.md"}
    assert worked_out == [1, 1, 1]
    assert_same_as_cold(site, out)


def test_an_article_falling_due_during_a_build_is_published_by_the_next_one(
    make_site: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    due = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
    scheduled = article("Scheduled", "2025-06-01T12:00:00Z", id="s50", tags="[Asia]")
    site, out = make_site({**STORIES, "content/50.md": scheduled}, STORIES_CONFIG), tmp_path / "out"
    clock = iter([due - dt.timedelta(seconds=10), due - dt.timedelta(seconds=1)])
    monkeypatch.setattr("generator.pipeline.build_time", lambda: next(clock, due))
    build_site(site, out)
    retext(site, "content/02.md", "More.")
    build_site(site, out)  # the clock passes `due` while this build runs
    shown = b"Scheduled" in (out / "index.html").read_bytes()
    assert shown == (out / "2025/06/01/scheduled/index.html").exists()
    build_site(site, out)
    assert b"Scheduled" in (out / "index.html").read_bytes()
    assert (out / "2025/06/01/scheduled/index.html").exists()
    assert_same_as_cold(site, out)  # built at `due` too


def test_a_page_deleted_by_hand_that_the_spare_never_had_is_made_again(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out, _ = noted_spare(make_site, tmp_path)
    write_files(site, {"content/new.md": article("New", "2025-03-09T09:00:00Z", id="n")})
    build_site(site, out)  # the spare (now the site before) has no page for it
    shutil.rmtree(out / "2025/03/09")
    retext(site, "content/04.md", "Four.")
    assert build_site(site, out).edited == {"content/04.md"}
    assert_same_as_cold(site, out)


def test_a_file_that_became_a_folder_and_back_is_caught_up(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out, _ = noted_spare(make_site, tmp_path)
    notes = site / "content/notes"
    for step, files in enumerate([{"content/notes": "a file"}, {"content/notes/a.txt": "in"}]):
        if notes.is_file():
            notes.unlink()
        write_files(site, files)
        build_site(site, out)
        retext(site, f"content/0{step}.md", "Edited.")
        assert build_site(site, out).edited == {f"content/0{step}.md"}
        assert_same_as_cold(site, out)


def test_an_editors_hidden_files_in_content_do_not_count(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    files = {**STORIES, "content/.02.md.swp": "swap 1"}
    site, out = make_site(files, STORIES_CONFIG), tmp_path / "out"
    build_site(site, out)
    write_files(site, {"content/.02.md.swp": "swap 2", "content/.notes/todo.md": "later"})
    retext(site, "content/02.md", "More.")
    assert build_site(site, out).edited == {"content/02.md"}
    assert_same_as_cold(site, out)


def test_possible_duplicates_are_still_reported_after_an_edit(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    twin = article(
        "Story 3", "2025-03-02T18:00:00Z", id="twin", slug="story-3-again", body="Twice."
    )
    site, out = make_site({**STORIES, "content/twin.md": twin}, STORIES_CONFIG), tmp_path / "out"
    warned = [str(w) for w in build_site(site, out).warnings if "duplicate" in w.message]
    assert warned and "content/twin.md" in warned[0]
    retext(site, "content/02.md", "More.")
    second = build_site(site, out)
    assert second.edited == {"content/02.md"}
    assert [str(w) for w in second.warnings if "duplicate" in w.message] == warned
    edit(site, "content/twin.md", "Story 3", "Another story")  # a new place: worked out again
    third = build_site(site, out)
    assert third.edited is None
    assert not [w for w in third.warnings if "duplicate" in w.message]
