"""Bad and hostile input: clear errors, nothing lost, nothing escapes or runs."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest
from conftest import (
    REPO,
    SiteMaker,
    Tree,
    article,
    assert_same_as_cold,
    build_with_cli,
    edit,
    environment,
    run_digest,
    tree,
    write_files,
)
from hypothesis import given
from hypothesis import strategies as st

from generator.commands import cli
from generator.incremental.store import CACHE_DIR
from generator.settings.yamlfile import YamlError, load_mapping
from generator.text import printable

GOOD = {"content/good.md": article("Good News", id="good", tags="[Harbour]")}


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `folder` with its bytes and mtime."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def beside_the_output(site: Path) -> list[str]:
    """What stands beside the site's output folder: a build with --no-cache puts the new
    site together there (write.py), and must take it away whatever happens."""
    return sorted(path.name for path in site.glob(".output*"))


def spare(site: Path) -> Tree:
    """The spare output tree, where a cached build puts the new site together
    (.digest-cache/output-*, spare.py), and the note of how it differs from the output
    folder. The spare stays; a note must not outlive a write that changed the spare."""
    return {
        name: data for name, data in tree(site / CACHE_DIR).items() if name.startswith("output-")
    }


def notes(site: Path) -> list[str]:
    """The notes of how the spare differs from the output folder (see `spare`)."""
    return sorted(path.name for path in (site / CACHE_DIR).glob("output-*.json"))


def refused(site: Path, files: dict[str, str | bytes]) -> str:
    """Add `files` to a site built twice; the build must fail, keeping the output as it
    was and staging nothing: neither beside the output folder nor in the spare."""
    build_with_cli(site)
    write_files(site, {"content/notes.txt": "A second build."})
    build_with_cli(site)  # the spare now holds the first site, with a note
    before, spare_before = snapshot(site / "output"), spare(site)
    assert notes(site), "no note of the spare"
    for name, body in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body if isinstance(body, bytes) else body.encode())
    result = run_digest("build", "--site", site)
    assert result.returncode == 1, result.stdout + result.stderr
    assert snapshot(site / "output") == before
    assert beside_the_output(site) == []
    assert spare(site) == spare_before
    return result.stderr


# Build safety


# The two kinds of build, each staging in its own place (see `spare`, `beside_the_output`).
KINDS = {"cached": [], "no cache": ["--no-cache"]}


@pytest.mark.parametrize("kind", KINDS)
def test_a_killed_build_leaves_the_previous_or_the_new_site_never_a_mix(
    make_site: SiteMaker, tmp_path: Path, kind: str
) -> None:
    files = {
        f"content/{n:03d}.md": article(f"Story {n}", id=f"s{n}", tags=f"[t{n % 7}]", body="Old.")
        for n in range(300)
    }
    site, extra = make_site(files), KINDS[kind]

    def rewrite(old: str, new: str) -> None:
        for name in files:
            (site / name).write_text((site / name).read_text().replace(old, new))

    build_with_cli(site, *extra)
    old = tree(site / "output")
    rewrite("Old.", "New text.")
    started = time.perf_counter()
    build_with_cli(site, "--output", tmp_path / "new", *extra)
    duration = time.perf_counter() - started
    new = tree(tmp_path / "new")
    assert old != new
    outcomes = set()
    for attempt in range(8):
        command = [sys.executable, "-m", "generator", "build", "--site", site, *extra]
        process = subprocess.Popen(command)
        time.sleep(duration * random.Random(attempt).uniform(0.3, 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = tree(site / "output")
        assert now in (old, new), f"attempt {attempt}: output is neither the old nor the new site"
        outcomes.add("new" if now == new else "old")
        if now == new:  # start again from the old site
            rewrite("New text.", "Old.")
            build_with_cli(site, *extra)
            rewrite("Old.", "New text.")
    assert "old" in outcomes
    # What a killed build left where it stages does not make the next builds go wrong,
    # and goes.
    build_with_cli(site, *extra)
    assert_same_as_cold(site, site / "output")
    edit(site, "content/007.md", "New text.", "Newer text.")  # a write from the spare's note
    build_with_cli(site, *extra)
    assert_same_as_cold(site, site / "output")
    assert beside_the_output(site) == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_build_failing_while_it_writes_leaves_the_output_and_nothing_staged(
    make_site: SiteMaker, kind: str
) -> None:
    site, extra = make_site(GOOD), KINDS[kind]
    build_with_cli(site, *extra)
    write_files(site, {"content/notes.txt": "A second build."})
    build_with_cli(site, *extra)  # a cached build's spare now holds the first site
    before = snapshot(site / "output")
    assert len(notes(site)) == (kind == "cached")  # only a cached build keeps a spare
    # A template that fails only when its page is made: when the new site is being
    # put together.
    write_files(site, {"layouts/404.html": "{{ nowhere() }}\n"})
    result = run_digest("build", "--site", site, *extra)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "'nowhere' is undefined (making 404.html)" in result.stderr
    assert snapshot(site / "output") == before
    assert beside_the_output(site) == []
    assert notes(site) == []  # the spare was being changed: no note may vouch for it
    (site / "layouts/404.html").unlink()
    build_with_cli(site, *extra)
    assert_same_as_cold(site, site / "output")


def test_two_builds_anywhere_anytime_are_identical(tmp_path: Path) -> None:
    one, two = tmp_path / "a", tmp_path / "b"
    one.mkdir()
    two.mkdir()
    env = environment()
    run = [sys.executable, "-m", "generator", "build", "--site"]
    subprocess.run([*run, str(REPO), "--output", "out"], cwd=one, check=True, env=env)
    time.sleep(1.1)
    relative_site = os.path.relpath(REPO, two)
    subprocess.run([*run, relative_site, "--output", "out"], cwd=two, check=True, env=env)
    first = {k: v for k, (v, _) in snapshot(one / "out").items()}
    assert first == {k: v for k, (v, _) in snapshot(two / "out").items()}
    assert not any(str(tmp_path).encode() in data for data in first.values())
    assert not any(str(REPO).encode() in data for data in first.values())


def test_source_date_epoch_is_the_build_time(make_site: SiteMaker) -> None:
    site = make_site({"content/soon.md": article("Soon", date="2030-01-01", id="soon")})
    command = [sys.executable, "-m", "generator", "build", "--site", str(site)]
    subprocess.run(command, check=True, env=environment(1_900_000_000))  # 2030-03-17
    assert (site / "output/2030/01/01/soon/index.html").is_file()
    subprocess.run(command, check=True, env=environment(1_800_000_000))  # 2027
    assert not (site / "output/2030/01/01/soon").exists()


@pytest.mark.parametrize(
    ("files", "config", "expected"),
    [
        (
            {"content/a.md": article("Same"), "content/b.md": article("Same", id="b")},
            "",
            "output 2025/03/12/same/index.html would be written by content/a.md and content/b.md",
        ),
        (
            {
                "content/a.md": article("A", id="a", tags="[North Korea]"),
                "content/b.md": article("B", id="b", tags="[north-korea]"),
            },
            "",
            "tags 'North Korea' and 'north-korea' share the URL tags/north-korea/ "
            "(used in content/a.md, content/b.md)",
        ),
        (
            {f"content/{n}.md": article(f"{n}", id=f"i{n}") for n in range(1, 4)},
            "page_size: 1\npermalink: /page/{slug}/\n",
            "output page/2/index.html would be written by content/2.md and home page",
        ),
        (
            {"content/a.md": article("A", id="a"), "content/Tags/INDEX.html": "<p>mine</p>"},
            "",
            "output Tags/INDEX.html / tags/index.html would be written by content/Tags/INDEX.html "
            "and tags index",
        ),
    ],
    ids=["same permalink", "tags colliding after slugging", "pagination path", "case only"],
)
def test_collisions_name_every_source(
    make_site: SiteMaker, files: dict[str, str], config: str, expected: str
) -> None:
    site = make_site(
        GOOD, config=f"title: T\nbase_url: https://example.org/\ntimezone: UTC\n{config}"
    )
    assert expected in refused(site, files)


# Hostile content


def test_yaml_tags_that_run_code_are_refused(make_site: SiteMaker, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    evil = (
        f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\ndate: 2025-01-01\n---\n'
    )
    stderr = refused(make_site(GOOD), {"content/evil.md": evil})
    assert "error: content/evil.md:2: invalid YAML: could not determine a constructor" in stderr
    assert not marker.exists()


@pytest.mark.parametrize("slug", ["../../x", "/x", "%2e%2e/x", "a\\\\..\\\\b", "a\\0b"])
def test_slugs_that_would_leave_the_output_are_refused(make_site: SiteMaker, slug: str) -> None:
    text = f'---\ntitle: T\ndate: 2025-01-01\nslug: "{slug}"\n---\nx\n'
    stderr = refused(make_site(GOOD), {"content/bad.md": text})
    assert "content/bad.md:4: slug must be one path segment" in stderr


def test_permalink_leaving_the_output_is_refused(make_site: SiteMaker) -> None:
    stderr = refused(make_site(GOOD), {"site.yaml": "title: T\npermalink: /../{slug}/\n"})
    assert "site.yaml:2: permalink must stay inside the output folder" in stderr


def test_a_link_out_of_content_is_skipped(make_site: SiteMaker, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "leak.md").write_text(article("Leak", id="leak"))
    site = make_site(GOOD)
    (site / "content/secret.txt").symlink_to(secret)
    (site / "content/folder").symlink_to(outside)
    result = run_digest("build", "--site", site)
    assert result.returncode == 0, result.stderr
    assert (
        "content/secret.txt: warning: skipped: a link to a file outside content/" in result.stderr
    )
    assert "content/folder: warning: skipped: a link to a folder" in result.stderr
    published = b"".join(p.read_bytes() for p in (site / "output").rglob("*") if p.is_file())
    assert b"TOP SECRET" not in published and b"Leak" not in published


HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.mark.parametrize("evil", HOSTILE)
def test_hostile_fields_are_escaped_everywhere(make_site: SiteMaker, evil: str) -> None:
    value = json.dumps(evil)
    text = (
        f"---\ntitle: {value}\ndate: 2025-03-12\nid: x\ntags: [{value}]\nauthor: {value}\n"
        f"source: {{name: {value}, url: 'https://example.net/a'}}\nsummary: {value}\n---\nBody\n"
    )
    site = make_site({"content/x.md": text})
    assert run_digest("build", "--site", site).returncode == 0
    out = site / "output"
    for path in out.rglob("*"):
        if path.suffix in (".html", ".xml", ".txt"):
            data = path.read_text()
            assert "<script>alert" not in data and "<img src=x" not in data, path
    for name in [
        "feed.xml",
        "atom.xml",
        f"tags/{'script-alert-1-script' if '<s' in evil else 'img-src-x-onerror-alert-1'}/feed.xml",
    ]:
        feed = feedparser.parse((out / name).read_bytes())
        assert feed.bozo == 0 and feed.entries[0].title == evil
    assert json.loads((out / "feed.json").read_text())["items"][0]["title"] == evil


def test_raw_html_is_sanitized_unless_the_site_trusts_it(make_site: SiteMaker) -> None:
    body = (
        '<script>alert(1)</script><p onclick="alert(1)">Hi <a href="javascript:alert(1)">j</a> '
        '<img src="data:image/png;base64,AAAA" alt="d"> <a href="https://example.net/">ok</a></p>\n\n'
        '<figure><img src="/map.svg" alt="Map"><figcaption>Map</figcaption></figure>\n\n'
        "> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    site = make_site({"content/a.md": article("Raw", id="raw", body=body)})
    assert run_digest("build", "--site", site).returncode == 0
    html = (site / "output/2025/03/12/raw/index.html").read_text()
    body_html = html.split('<div class="body">')[1].split("</div>")[0]
    for gone in ["<script", "onclick", "javascript:", "data:image"]:
        assert gone not in body_html
    for kept in [
        '<a href="https://example.net/">ok</a>',
        '<img src="/map.svg" alt="Map">',
        "<figcaption>Map</figcaption>",
        "<blockquote>",
        "<table>",
        "<td>1</td>",
    ]:
        assert kept in body_html
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "unsafe_html: true\n")
    assert run_digest("build", "--site", site).returncode == 0
    assert "<script>alert(1)</script>" in (site / "output/2025/03/12/raw/index.html").read_text()


def test_oversized_binary_and_malformed_files_are_refused_with_the_rest(
    make_site: SiteMaker,
) -> None:
    site = make_site(GOOD, config="title: T\nmax_article_bytes: 4500\n")
    laughs = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
        for i in range(9)
    )
    deep = "".join("  " * i + "- \n" for i in range(60)) + "  " * 60 + "- x\n"
    started = time.perf_counter()
    stderr = refused(
        site,
        {
            "content/big.md": article("Big", body="x" * 5000),
            "content/binary.md": b"---\ntitle: B\x00\n---\n",
            "content/latin1.md": "---\ntitle: caf\xe9\n---\n".encode("latin-1"),
            "content/laughs.md": f"---\ntitle: L\ndate: 2025-01-01\n{laughs}---\n",
            "content/deep.md": f"---\ntitle: D\ndate: 2025-01-01\nnest:\n{deep}---\n",
            "content/no-title.md": "---\ndate: 2025-01-01\n---\n",
        },
    )
    assert time.perf_counter() - started < 30
    assert "content/big.md: file is 5," in stderr and "over the limit of 4,500" in stderr
    assert "content/binary.md: binary file, not a Markdown article" in stderr
    assert "content/latin1.md: not UTF-8 text (byte 14)" in stderr
    assert "content/laughs.md:" in stderr and "more than 10,000 values" in stderr
    assert "content/deep.md:" in stderr and "nested more than 32 deep" in stderr
    assert "content/no-title.md:1: missing required field 'title'" in stderr
    assert "6 errors" in stderr


def test_a_flat_list_of_too_many_values_is_refused() -> None:
    with pytest.raises(YamlError, match="more than 10,000 values"):
        load_mapping("title: T\ntags: [" + ",".join(["x"] * 10_000) + "]\n")
    assert load_mapping("tags: [" + ",".join(["x"] * 9_990) + "]\n")[0]["tags"][-1] == "x"


# Clear errors


def test_a_crash_is_reported_as_a_bug_with_the_traceback_only_when_verbose(
    make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "build", broken)  # stands in for a bug inside the generator
    site = make_site(GOOD)
    assert cli.main(["build", "--site", str(site)]) == cli.EXIT_BUG
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and "This is a bug in digest" in err
    assert "Traceback" not in err
    assert cli.main(["build", "--site", str(site), "--verbose"]) == cli.EXIT_BUG
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_an_unwritable_output_is_an_error_not_a_bug(make_site: SiteMaker) -> None:
    site = make_site(GOOD)
    (site / "output").write_text("a file where the folder goes")
    result = run_digest("build", "--site", site)
    assert result.returncode == 1
    assert "the output path is a file, not a folder" in result.stderr


def xml_allows(c: str) -> bool:
    return (
        c in "\t\n\r"
        or "\x20" <= c <= "\ud7ff"
        or "\ue000" <= c <= "\ufffd"
        or "\U00010000" <= c <= "\U0010ffff"
    )


def test_printable_keeps_exactly_the_characters_xml_allows() -> None:
    everything = "".join(map(chr, range(0x110000)))
    assert printable(everything) == "".join(filter(xml_allows, everything))


SOME_FORBIDDEN = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ud800", "\udfff",
                  "\ufffe", "\uffff"]  # fmt: skip
SOME_ALLOWED = ["a", " ", "\t", "\n", "\r", "\x7f", "\x80", "\xa0", "—", "東", "\ufffd",
                "\U0001f600"]  # fmt: skip


@given(st.lists(st.sampled_from(SOME_FORBIDDEN + SOME_ALLOWED) | st.characters(), max_size=30))
def test_printable_takes_out_each_forbidden_character_wherever_it_is(chars: list[str]) -> None:
    text = "".join(chars)
    assert printable(text) == "".join(c for c in text if xml_allows(c))
