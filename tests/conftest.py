"""Shared test helpers: writing small sites, running the real CLI, and comparing builds."""

from __future__ import annotations

import difflib
import os
import socketserver
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import feedparser
import pytest

from generator.incremental.build import build
from generator.pipeline import BuildOptions, BuildResult
from generator.theme.environment import default_theme_dir

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PAGES = REPO / "content" / "pages"  # the sample site's standalone pages


def sample_article_files() -> list[Path]:
    """The sample site's article files (not its pages), sorted."""
    files = (REPO / "content").rglob("*.md")
    return sorted(path for path in files if not path.is_relative_to(SAMPLE_PAGES))


SiteMaker = Callable[..., Path]
Tree = dict[str, bytes]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the expected trees of the golden sites from the current output",
    )


# Writing sites


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write `files` (relative path -> text or bytes) under `root`; text is dedented."""
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")


def article(
    title: str, date: str = "2025-03-12T09:00:00+00:00", body: str = "Body text.", **meta: str
) -> str:
    """The text of an article file with the given front matter."""
    lines = [f"title: {title!r}" if title else "", f"date: {date}" if date else ""]
    lines += [f"{key}: {value}" for key, value in meta.items()]
    head = "\n".join(line for line in lines if line)
    return f"---\n{head}\n---\n\n{body}\n"


# The settings of a test site. Search is off: each build would run Pagefind, and most
# tests look at the pages alone; tests/test_search.py turns it on.
TEST_CONFIG = "title: Test Digest\nbase_url: https://example.org/\ntimezone: UTC\nsearch: false\n"


@pytest.fixture
def make_site(tmp_path: Path) -> SiteMaker:
    """Write a site (site.yaml + files) into a temporary folder and return its path."""

    def make(files: dict[str, str | bytes] | None = None, config: str | None = None) -> Path:
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        (site / "content").mkdir(exist_ok=True)
        default_config = TEST_CONFIG
        (site / "site.yaml").write_text(config if config is not None else default_config)
        write_files(site, files or {})
        return site

    return make


def edit(site: Path, name: str, old: str, new: str) -> None:
    """Replace `old`, which must be there, by `new` in the site's file `name`."""
    path = site / name
    text = path.read_text()
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new))


def override(site: Path, template: str, change: Callable[[str], str]) -> None:
    """Give the site its own copy of a default template, changed."""
    source = (default_theme_dir() / template).read_text()
    write_files(site, {f"layouts/{template}": change(source)})


# The site of the incremental tests (test_incremental.py, test_edits.py): 14
# stories over 5 days, tagged, from two sources, two to a page; and the changes
# a build must follow.

STORIES_CONFIG = TEST_CONFIG + "page_size: 2\n"
TAGS = ["[Asia, Trade]", "[Asia]", "[Trade, Energy]", "[Energy]"]
STORIES = {
    f"content/{n:02}.md": article(
        f"Story {n}",
        f"2025-03-{1 + n // 3:02}T{8 + n % 3:02}:00:00Z",
        body=f"Body of story {n}.",
        id=f"s{n}",
        tags=TAGS[n % 4],
        source=f"Wire {n % 2}",
    )
    for n in range(14)
}
CHANGES: dict[str, Callable[[Path], None]] = {
    "body": lambda site: edit(site, "content/05.md", "Body of story 5.", "New body."),
    "title": lambda site: edit(site, "content/05.md", "Story 5", "Story Five"),
    "tags": lambda site: edit(site, "content/05.md", "tags: [Asia]", "tags: [Gas]"),
    "date": lambda site: edit(site, "content/05.md", "2025-03-02T10", "2025-04-20T10"),
    "source": lambda site: edit(site, "content/05.md", "source: Wire 1", "source: Wire 9"),
    "deleted": lambda site: (site / "content/05.md").unlink(),
    "added": lambda site: write_files(
        site, {"content/new.md": article("Newest", "2025-05-01T00:00:00Z", id="n", tags="[Asia]")}
    ),
    "draft": lambda site: edit(site, "content/05.md", "id: s5", "id: s5\ndraft: true"),
    "tag alias": lambda site: edit(
        site, "site.yaml", "page_size: 2", "page_size: 2\ntag_aliases: {Energy: Power}"
    ),
    "page size": lambda site: edit(site, "site.yaml", "page_size: 2", "page_size: 3"),
    "disable": lambda site: edit(
        site, "site.yaml", "page_size: 2", "page_size: 2\ndisable: [digests, archive, atom]"
    ),
    "base template": lambda site: override(
        site, "base.html", lambda text: text.replace("</footer>", "<p>Fine print</p></footer>")
    ),
    "other file": lambda site: write_files(site, {"content/map.svg": "<svg/>"}),
}


# Building


def build_site(site: Path, out: Path, cache: bool = True) -> BuildResult:
    """Build `site` into `out` in this process, with one job, cached unless told."""
    return build(BuildOptions(site_dir=site, output_dir=out, cache=cache, jobs=1))


def run_digest(
    *args: str | Path, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real command line (`python -m generator ...`) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def build_with_cli(site: Path, *extra: str | Path) -> Path:
    """`digest build --site SITE EXTRA...`, which must succeed; return SITE/output."""
    result = run_digest("build", "--site", site, *extra)
    assert result.returncode == 0, result.stderr
    return site / "output"


def environment(epoch: int | None = None) -> dict[str, str]:
    """This process's environment, with SOURCE_DATE_EPOCH set to `epoch`, or without it."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    return env


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of the sample site (the repository's own), built once by the CLI for
    the tests that only read it."""
    out = tmp_path_factory.mktemp("sample") / "out"
    result = run_digest("build", "--site", REPO, "--output", out)
    assert result.returncode == 0, result.stderr
    return out


# Output folders


def tree(folder: Path) -> Tree:
    """Every file below `folder`: its path (relative, with /) -> its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def mtimes(folder: Path) -> dict[str, int]:
    """The mtime of every file below `folder` (folders are not uploaded, so their times
    do not matter)."""
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


def tree_differences(expected: Tree, actual: Tree) -> str:
    """How `actual` differs from `expected`: the files missing, those not expected, and a
    diff of each that holds other bytes; empty if they are the same."""
    lines = [f"missing: {name}" for name in sorted(expected.keys() - actual.keys())]
    lines += [f"unexpected: {name}" for name in sorted(actual.keys() - expected.keys())]
    for name in sorted(expected.keys() & actual.keys()):
        if expected[name] != actual[name]:
            diff = difflib.unified_diff(
                expected[name].decode("utf-8", "replace").splitlines(),
                actual[name].decode("utf-8", "replace").splitlines(),
                f"expected/{name}",
                f"actual/{name}",
                lineterm="",
            )
            lines.extend(diff)
    return "\n".join(lines)


def assert_same_as_cold(
    site: Path, output: Path, not_built: Collection[str] = (), **options: Any
) -> Tree:
    """Assert that `output` holds exactly what a cold build of `site` makes (no cache, a
    new folder): the same file names, the same bytes. Return that tree.

    `options` are the BuildOptions the build of `output` had besides its site and
    folder (base_url=..., drafts=True); `not_built` names files of `output` that no
    build makes (put there by hand), left out of the comparison.
    """
    with tempfile.TemporaryDirectory() as folder:
        cold = Path(folder) / "cold"
        build(BuildOptions(site_dir=site, output_dir=cold, cache=False, jobs=1, **options))
        expected = tree(cold)
    actual = {name: data for name, data in tree(output).items() if name not in not_built}
    differences = tree_differences(expected, actual)
    assert not differences, f"{output} is not what a cold build makes:\n{differences}"
    return expected


# Processes and feeds


def in_a_new_process(code: str, *args: str) -> None:
    """Run `code` in a new Python, which has no other threads and so may fork (pytest's
    process may have some, left by the browser tests); it checks with asserts."""
    command = [sys.executable, "-c", textwrap.dedent(code), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@contextmanager
def another_thread() -> Iterator[None]:
    """Another thread running meanwhile (a process with threads must not fork)."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def children(pid: int | None = None) -> set[int]:
    """The processes that process `pid` (this one by default) started from its main
    thread and that are still there, zombies included (Linux's /proc)."""
    pid = pid or os.getpid()
    return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def parse_feed(path: Path) -> feedparser.FeedParserDict:
    """The feed at `path`, which feedparser must read without complaint."""
    feed = feedparser.parse(path.read_bytes())
    assert feed.bozo == 0, f"{path}: {feed.get('bozo_exception')}"
    return feed


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[None]:
    """Run `server` in a thread until the block ends, then shut it and its socket."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
