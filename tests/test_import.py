"""`digest import`: plain-text articles and RSS/Atom feeds become article files that build.

The command-line tests run the real `digest` in a subprocess on copies of the
fixtures in tests/fixtures/import/ (copies, so that their modification time
can be set and the repository's files are never written to).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import uuid
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SiteMaker, build_with_cli, parse_feed, run_digest, write_files

from generator.intake.importer import ImportOutcome
from generator.intake.plaintext import BOILERPLATE, Refused, boilerplate_start, parse_plain_text

FIXTURES = REPO / "tests" / "fixtures" / "import"
SEED_ID = "d5ac4e8b-2e09-4fd4-8549-ef3337ca88ca"
SEED_TITLE = "North Korea Enhances Military Ties with Russia Amid Troop Deployments"
SEED_SLUG = "north-korea-enhances-military-ties-with-russia-amid-troop-deployments"
# The modification time given to every input copied for a test: before every fixture's own dates.
MTIME = dt.datetime(2025, 3, 13, 6, 0, tzinfo=dt.UTC)
TOKYO_ID = "wire-2025-0312-tokyo"
SEOUL_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://wire.example.com/2025/03/seoul-bonds"))
AIR_DEFENCE_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
ARTICLE = """\
Ministers Meet on Trade

A lead paragraph about the meeting.

Leave a Reply

Readers can leave a reply to the ministry's survey until Friday, the statement said.

The talks continue next week.
"""


def copy_input(tmp_path: Path, name: str, target: str | None = None) -> Path:
    """A copy of a fixture with its modification time set to MTIME."""
    path = tmp_path / "inputs" / (target or name)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / name, path)
    os.utime(path, (MTIME.timestamp(), MTIME.timestamp()))
    return path


def write_input(tmp_path: Path, name: str, data: str | bytes) -> Path:
    write_files(tmp_path / "inputs", {name: data})
    path = tmp_path / "inputs" / name
    os.utime(path, (MTIME.timestamp(), MTIME.timestamp()))
    return path


def run_import(site: Path, *args: str | Path, code: int = 0) -> str:
    result = run_digest("import", "--site", site, *args)
    assert result.returncode == code, result.stdout + result.stderr
    return result.stdout + result.stderr


def imported(output: str) -> dict[str, str]:
    """The lines `imported SOURCE -> FILE (...)` of an import's output, as {SOURCE's name: FILE}."""
    found = re.findall(r"^imported (\S+) -> (\S+)", output, re.MULTILINE)
    return {Path(source).name: file for source, file in found}


def read_article(path: Path) -> tuple[dict[str, object], str, str]:
    """The front matter (as data and as text) and the body of an article file."""
    _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(head), head, body


def content_files(site: Path) -> set[Path]:
    return set((site / "content").rglob("*"))


# The plain-text parser ------------------------------------------------------


def test_seed_layout_is_read_field_by_field() -> None:
    article = parse_plain_text((FIXTURES / "seed.txt").read_text(encoding="utf-8"))
    assert article.title == SEED_TITLE
    assert article.id == SEED_ID
    assert article.source == "asianews.network"
    assert article.summary.startswith("North Korea has sent an extra 3,000 troops to Russia")
    assert article.paragraphs[0].startswith("Recent reports indicate")
    assert article.paragraphs[-1].startswith("North Korea\u2019s military support")
    assert len(article.paragraphs) == 6
    text = "\n".join(article.paragraphs)
    for dropped in ("Leave a Reply", "Your email address", "Original Source", "\n0\n"):
        assert dropped not in text


@pytest.mark.parametrize(
    "trailer",
    [
        "Leave a Reply\n\nYour email address will not be published. Required fields are marked *",
        "Leave a Comment\n\nCancel reply\n\nComment *\nName *\nEmail *\nWebsite\n\n"
        "Save my name, email, and website in this browser for the next time I comment.\n\n"
        "Post Comment\n\nΔ",
        "Post a comment\n\nYou must be logged in to post a comment.",
        "Share this:\nClick to share on Twitter (Opens in new window)\nFacebook\n\n"
        "Like this:\nLike Loading...",
        "Related posts\n\nSeoul markets steady after rate decision\n"
        "Japan and South Korea hold supply chain talks\n\n3 Comments",
        "LEAVE A REPLY\n\nrequired fields are marked *\n\n",
    ],
)
def test_trailing_boilerplate_variants_are_dropped(trailer: str) -> None:
    text = f"Title\n\nLead.\n\nBody one.\n\nBody two.\n\nOriginal Source: Kyodo\n\n{trailer}"
    article = parse_plain_text(text)
    assert article.paragraphs == ("Body one.", "Body two.")
    assert article.source == "Kyodo"


def test_boilerplate_before_the_source_line_is_dropped_too() -> None:
    text = "Title\n\nLead.\n\nBody.\n\nShare this:\nTwitter\nFacebook\n\nSource: Kyodo\n\nReply"
    article = parse_plain_text(text)
    assert article.paragraphs == ("Body.",)
    assert article.source == "Kyodo"


def test_boilerplate_words_in_the_middle_of_an_article_are_kept() -> None:
    article = parse_plain_text(ARTICLE)
    assert article.paragraphs == (
        "Leave a Reply",
        "Readers can leave a reply to the ministry's survey until Friday, the statement said.",
        "The talks continue next week.",
    )


def test_a_long_last_paragraph_after_a_related_heading_is_kept() -> None:
    long_line = "The ministry said the related talks would resume in April. " * 3
    lines = ["Body.", "", "Related", long_line]
    assert boilerplate_start(lines, BOILERPLATE) == len(lines)
    assert boilerplate_start([*lines, "", "Leave a Reply"], BOILERPLATE) == len(lines)


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("Original Source: asianews.network", "asianews.network"),
        ("Source: Reuters", "Reuters"),
        ("Original source - Yonhap News Agency", "Yonhap News Agency"),
        ("Source — Kyodo", "Kyodo"),
        ("Source: https://example.com/story/1", "https://example.com/story/1"),
    ],
)
def test_source_line_variants(line: str, source: str) -> None:
    article = parse_plain_text(f"Title\n\nLead.\n\nBody.\n\n{line}\n\nLeave a Comment\n")
    assert article.source == source
    assert article.paragraphs == ("Body.",)


def test_optional_header_lines_and_markdown_lookalikes() -> None:
    text = "Title\nLead.\n\n# not a heading\n1. not a list\n- dash\n\n    indented line\n"
    article = parse_plain_text(text)
    assert (article.title, article.id, article.source) == ("Title", None, None)
    assert article.summary == "Lead."
    assert article.paragraphs == ("# not a heading\n1. not a list\n- dash", "indented line")


def test_a_lead_alone_is_also_the_body() -> None:
    article = parse_plain_text("Title\n\n7\n\nOnly paragraph,\nover two lines.\n")
    assert article.summary == "Only paragraph, over two lines."
    assert article.paragraphs == ("Only paragraph,\nover two lines.",)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty file"),
        (" \n\n\t\n", "empty file"),
        ("Just a title\n\nLeave a Reply\n", "only a title line"),
        ("---\ntitle: x\n---\nbody\n", "already a Markdown article"),
    ],
)
def test_texts_that_are_not_articles_are_refused(text: str, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        parse_plain_text(text)


def test_outcome_lines() -> None:
    outcome = ImportOutcome("a.txt", "imported", "content/x.md")
    assert str(outcome) == "imported a.txt -> content/x.md"
    assert str(ImportOutcome("f.xml#2", "skipped", "already present as content/x.md")) == (
        "skipped f.xml#2: already present as content/x.md"
    )
    assert str(ImportOutcome("b.bin", "refused", "binary file")) == "refused b.bin: binary file"


# The command line: plain text ------------------------------------------------


def test_seed_imports_into_an_article_that_builds(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site()
    seed = copy_input(tmp_path, "seed.txt")
    output = run_import(site, seed)
    assert f"imported {seed} -> content/2025/03/{SEED_SLUG}.md" in output
    meta, head, body = read_article(site / f"content/2025/03/{SEED_SLUG}.md")
    assert meta["id"] == SEED_ID
    assert meta["source"] == "asianews.network"
    assert meta["title"] == SEED_TITLE
    assert str(meta["summary"]).startswith("North Korea has sent an extra 3,000 troops to Russia")
    assert "draft" not in meta and "tags" not in meta
    assert "2025-03-13T06:00:00+00:00" in head
    assert body.lstrip().startswith("Recent reports indicate")
    assert "Leave a Reply" not in body and "Your email address" not in body
    assert not re.search(r"^0$", body, re.MULTILINE)
    page = build_with_cli(site) / f"2025/03/13/{SEED_SLUG}/index.html"
    html = page.read_text(encoding="utf-8")
    assert "asianews.network" in html and "Leave a Reply" not in html


def test_missing_date_uses_the_modification_time_in_the_sites_timezone(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site(config="title: T\nbase_url: https://example.org/\ntimezone: Asia/Tokyo\n")
    path = write_input(tmp_path, "story.txt", ARTICLE)
    output = run_import(site, path)
    note = "(no date in the file: used its modification time 2025-03-13T15:00:00+09:00)"
    assert f"imported {path} -> content/2025/03/ministers-meet-on-trade.md {note}" in output
    meta, _, _ = read_article(site / "content/2025/03/ministers-meet-on-trade.md")
    date = meta["date"]
    assert isinstance(date, dt.datetime) and date.isoformat() == "2025-03-13T15:00:00+09:00"
    assert uuid.UUID(str(meta["id"])).version == 5  # made from the text: a re-import is found
    assert meta["summary"] == "A lead paragraph about the meeting."
    assert "skipped" in run_import(site, path)


def test_tags_date_and_draft_apply_to_everything(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site()
    feed = copy_input(tmp_path, "wire.rss")
    text = write_input(tmp_path, "story.txt", ARTICLE)
    args = ("--tags", "markets, Extra", "--date", "2025-01-02T03:04:05+09:00", "--draft")
    output = run_import(site, feed, text, *args)
    assert "no date" not in output
    files = imported(output)
    assert len(files) == 4
    for file in files.values():
        meta, head, _ = read_article(site / file)
        assert file.startswith("content/2025/01/")
        assert "date: 2025-01-01T18:04:05+00:00" in head
        assert meta["draft"] is True
    assert read_article(site / files["wire.rss#1"])[0]["tags"] == ["Markets", "Japan", "Extra"]
    assert read_article(site / files["story.txt"])[0]["tags"] == ["markets", "Extra"]
    out = build_with_cli(site)
    assert not (out / "2025/01/01/ministers-meet-on-trade").exists()
    out = build_with_cli(site, "--drafts")
    assert (out / "2025/01/01/ministers-meet-on-trade/index.html").is_file()


# The command line: feeds ------------------------------------------------------


def test_rss_and_atom_entries_import_and_the_site_builds(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site()
    rss, atom = copy_input(tmp_path, "wire.rss"), copy_input(tmp_path, "desk.atom")
    output = run_import(site, rss, atom)
    files = imported(output)
    assert sorted(files) == [f"desk.atom#{n}" for n in (1, 2, 3)] + [
        f"wire.rss#{n}" for n in (1, 2, 3)
    ]
    articles = {source: read_article(site / file) for source, file in files.items()}

    meta, head, body = articles["wire.rss#1"]
    assert meta["title"] == "東京 markets close higher as exporters rally"
    assert meta["id"] == TOKYO_ID
    assert meta["tags"] == ["Markets", "Japan"]
    assert meta["source"] == {
        "name": "Example Wire",
        "url": "https://wire.example.com/2025/03/tokyo-markets",
    }
    assert meta["summary"] == "Exporters led gains in Tokyo & Osaka."
    assert "date: 2025-03-12T00:15:00+00:00" in head
    assert "<b>gains</b>" in body and 'href="https://wire.example.com/nikkei"' in body
    assert files["wire.rss#1"] == "content/2025/03/東京-markets-close-higher-as-exporters-rally.md"

    meta, head, body = articles["wire.rss#2"]
    assert meta["id"] == SEOUL_ID
    assert "date: 2025-03-13T06:00:00+00:00" in head
    note = "(no date in the entry: used the file's modification time 2025-03-13T06:00:00+00:00)"
    assert f"wire.rss#2 -> {files['wire.rss#2']} {note}" in output
    assert meta["summary"] == "Yields held at 2.8% & traders waited for the central bank."
    assert body.strip() == "<p>Yields held at 2.8% &amp; traders waited for the central bank.</p>"

    meta, _, body = articles["wire.rss#3"]
    assert meta["title"] == "Café owners in Hanoi adapt to higher bean prices"
    assert meta["id"] == "https://wire.example.com/2025/03/hanoi-cafes"
    assert "summary" not in meta and "<p>Coffee shops in Hanoi" in body

    meta, head, body = articles["desk.atom#1"]
    assert meta["title"] == "Ukraine\u2019s partners meet on air defence"
    assert meta["id"] == AIR_DEFENCE_ID
    assert meta["tags"] == ["Defense", "Europe"]
    assert meta["source"] == {
        "name": "Europe Desk",
        "url": "https://desk.example.org/2025/03/air-defence",
    }
    assert meta["summary"] == "Ministers agreed on more air defence systems."
    assert "date: 2025-03-10T07:00:00+00:00" in head
    assert "<h2>Ramstein</h2>" in body and "onmouseover" not in body

    meta, head, _ = articles["desk.atom#2"]
    assert meta["title"] == "Zürich forum weighs rules on space debris"
    assert "date: 2025-03-09T12:00:00+00:00" in head
    assert "date: 2025-03-13T06:00:00+00:00" in articles["desk.atom#3"][1]

    for _, _, body in articles.values():
        assert "<script" not in body and "alert(" not in body and "javascript:" not in body

    out = build_with_cli(site)
    assert (out / "2025/03/12/東京-markets-close-higher-as-exporters-rally/index.html").is_file()
    rss_ids = {entry.id for entry in parse_feed(out / "feed.xml").entries}
    assert {TOKYO_ID, SEOUL_ID, AIR_DEFENCE_ID} <= rss_ids and len(rss_ids) == 6
    atom = parse_feed(out / "atom.xml")
    assert f"urn:uuid:{AIR_DEFENCE_ID}" in {entry.id for entry in atom.entries}
    assert "Zürich forum weighs rules on space debris" in {e.title for e in atom.entries}


def test_a_feed_is_recognised_by_its_content(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site()
    feed = copy_input(tmp_path, "desk.atom", target="export.txt")
    assert len(imported(run_import(site, feed))) == 3


# The command line: importing again ----------------------------------------------


def test_importing_a_feed_twice_skips_what_is_there(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site()
    feed = copy_input(tmp_path, "wire.rss")
    first = imported(run_import(site, feed))
    before = content_files(site)
    second = run_import(site, feed)
    assert imported(second) == {}
    for number in (1, 2, 3):
        file = first[f"wire.rss#{number}"]
        assert f"skipped {feed}#{number}: already present as {file}" in second
    assert content_files(site) == before


def test_the_same_article_twice_in_one_run_is_written_once(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site()
    seed = copy_input(tmp_path, "seed.txt")
    other = copy_input(tmp_path, "seed.txt", target="copy.txt")
    output = run_import(site, seed, other)
    assert f"skipped {other}: already present as content/2025/03/{SEED_SLUG}.md" in output
    assert len(list((site / "content").rglob("*.md"))) == 1


def test_importing_a_text_twice_skips_it(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site()
    seed = copy_input(tmp_path, "seed.txt")
    run_import(site, seed)
    before = content_files(site)
    output = run_import(site, seed)
    assert f"skipped {seed}: already present as content/2025/03/{SEED_SLUG}.md" in output
    assert content_files(site) == before


def test_importing_an_id_with_a_hash_twice_skips_it(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site()
    rss = """<rss version="2.0"><channel><title>H</title><item><title>Hash</title>
        <guid isPermaLink="false">https://h.example.org/post#1</guid><description>x</description>
        </item></channel></rss>"""
    feed = write_input(tmp_path, "hash.rss", rss)
    run_import(site, feed)
    assert "skipped" in run_import(site, feed)


def test_an_edited_file_with_the_same_name_is_never_overwritten(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    mine = "---\ntitle: Ministers Meet on Trade\ndate: 2025-03-13\nid: mine\n---\n\nMy edits.\n"
    site = make_site({"content/2025/03/ministers-meet-on-trade.md": mine})
    text = write_input(tmp_path, "story.txt", ARTICLE)
    output = run_import(site, text)
    assert f"imported {text} -> content/2025/03/ministers-meet-on-trade-2.md" in output
    assert (site / "content/2025/03/ministers-meet-on-trade.md").read_text() == mine
    meta, _, _ = read_article(site / "content/2025/03/ministers-meet-on-trade-2.md")
    assert meta["slug"] == "ministers-meet-on-trade-2"
    out = build_with_cli(site)
    assert (out / "2025/03/13/ministers-meet-on-trade-2/index.html").is_file()
    assert (out / "2025/03/13/ministers-meet-on-trade/index.html").is_file()


# The command line: refusals and help --------------------------------------------


def test_bad_inputs_are_refused_and_the_rest_is_imported(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site = make_site()
    bad = {
        "image.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        "note.xml": '<?xml version="1.0"?>\n<note><to>Desk</to><body>Hi</body></note>\n',
        "latin1.txt": "Café news\n\nLead.\n".encode("latin-1"),
        "empty.txt": "",
        "page.html": "<!DOCTYPE html>\n<html><body><p>Not a feed</p></body></html>\n",
    }
    paths = [write_input(tmp_path, name, data) for name, data in bad.items()]
    good = write_input(tmp_path, "story.txt", ARTICLE)
    missing, folder = tmp_path / "inputs/missing.txt", tmp_path / "inputs"
    result = run_digest("import", "--site", site, *paths, good, missing, folder)
    assert result.returncode == 1
    assert f"imported {good} -> content/2025/03/ministers-meet-on-trade.md" in result.stdout
    refusals = result.stderr.splitlines()
    assert refusals == [
        f"refused {paths[0]}: binary file, not text or a feed",
        f"refused {paths[1]}: not an RSS or Atom feed (feedparser found no feed)",
        f"refused {paths[2]}: not UTF-8 text (byte 3)",
        f"refused {paths[3]}: empty file",
        f"refused {paths[4]}: not an RSS or Atom feed (feedparser found no feed)",
        f"refused {missing}: cannot read: No such file or directory",
        f"refused {folder}: a folder, not a file: name the files to import",
    ]
    assert [p.name for p in (site / "content").rglob("*.md")] == ["ministers-meet-on-trade.md"]


def test_import_help() -> None:
    result = run_digest("import", "--help")
    assert result.returncode == 0
    for option in ("PATH", "--tags", "--date", "--draft", "--site"):
        assert option in result.stdout
