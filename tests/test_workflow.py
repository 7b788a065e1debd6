"""The authoring commands as a user runs them: new, check, serve (import: test_import.py)."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest
import yaml
from conftest import (
    REPO,
    SiteMaker,
    article,
    assert_same_as_cold,
    children,
    run_digest,
    write_files,
)

from generator.commands.cli import ProgressBar
from generator.incremental.store import serve_output
from generator.serve.state import BuildState

# digest new


def test_new_writes_a_dated_draft_with_a_fresh_uuid(make_site: SiteMaker) -> None:
    site = make_site(config="title: T\ntimezone: Asia/Seoul\n")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1741800000"}  # 2025-03-12 17:20 UTC
    command = [sys.executable, "-m", "generator", "new", "Talks Resume in Geneva", "--site"]
    extra = ["--tags", "Diplomacy, Russia", "--source", "asianews.network"]
    result = subprocess.run([*command, str(site), *extra], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path == site / "content/2025/03/talks-resume-in-geneva.md"
    meta = yaml.safe_load(path.read_text().split("---")[1])
    assert meta["title"] == "Talks Resume in Geneva"
    assert meta["date"].isoformat() == "2025-03-13T02:20:00+09:00"
    assert uuid.UUID(meta["id"]).version == 4
    assert meta["tags"] == ["Diplomacy", "Russia"]
    assert (meta["source"], meta["draft"]) == ("asianews.network", True)
    again = subprocess.run([*command, str(site)], capture_output=True, text=True, env=env)
    assert again.returncode == 1
    assert "content/2025/03/talks-resume-in-geneva.md: already exists" in again.stderr
    assert run_digest("build", "--site", site, "--drafts").returncode == 0
    assert (site / "output/2025/03/13/talks-resume-in-geneva/index.html").is_file()


def test_new_follows_new_article_path(make_site: SiteMaker) -> None:
    site = make_site(config="title: T\nnew_article_path: 'news/{year}-{month}-{day}-{slug}.md'\n")
    result = run_digest("new", "Hello", "--site", site)
    assert re.fullmatch(r".*/content/news/\d{4}-\d\d-\d\d-hello\.md\n", result.stdout)


# digest check


def test_check_passes_on_the_sample_site_and_writes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO, site, ignore=shutil.ignore_patterns("output", ".venv", ".git", "tests"))
    result = run_digest("check", "--site", site)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "check passed: 0 warnings\n"
    assert not (site / "output").exists()


def test_check_fails_on_a_broken_site_and_lists_everything(make_site: SiteMaker) -> None:
    body = "See [gone](/2024/01/01/gone/), [fine](/tags/) and ![map](missing.svg).\n"
    site = make_site(
        {
            "content/a.md": article("A", id="same", body=body),
            "content/b.md": article("B", id="same"),
            "content/c.md": "---\ntitle: C\ndate: 2025-01-01\n---\n",
            "content/d.md": "---\ntitle: [D\n---\n",
        }
    )
    result = run_digest("check", "--site", site)
    assert result.returncode == 1
    assert "error: content/d.md:2: invalid YAML" in result.stderr
    (site / "content/d.md").unlink()
    result = run_digest("check", "--site", site)
    assert "error: content/a.md: id same is also used by content/b.md" in result.stderr
    (site / "content/b.md").write_text(article("B", id="b"))
    result = run_digest("check", "--site", site)
    assert result.returncode == 1
    assert "error: content/a.md:7: link /2024/01/01/gone/ points at no page" in result.stderr
    assert "error: content/a.md:7: image /missing.svg points at no page" in result.stderr
    assert "/tags/" not in result.stderr
    assert "content/c.md:1: warning: no 'id'" in result.stderr
    assert "content/c.md:1: warning: no summary and no first paragraph" in result.stderr
    assert not (site / "output").exists()


def test_check_warnings_fail_only_when_strict(make_site: SiteMaker) -> None:
    site = make_site({"content/c.md": article("C")})
    result = run_digest("check", "--site", site)
    assert result.returncode == 0 and "check passed: 1 warning" in result.stdout
    assert run_digest("check", "--site", site, "--strict").returncode == 1


# digest serve


class Server:
    """A running `digest serve`; what it prints after starting goes to `printed`."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process, self.url = process, url
        self.printed: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.printed.put(line)

    def printed_until(self, prefix: str, seconds: float = 30) -> list[str]:
        """The lines printed up to the first that starts with `prefix`, that one included."""
        lines: list[str] = []
        deadline = time.monotonic() + seconds
        while not lines or not lines[-1].startswith(prefix):
            try:
                lines.append(self.printed.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                raise AssertionError(f"nothing starting with {prefix!r} in {lines}") from None
        return lines

    def get(self, path: str = "") -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()


def start_serve(site: Path, port: int = 0) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@contextmanager
def events(server: Server, timeout: float = 10) -> Iterator[IO[bytes]]:
    """The server's stream of events, past its greeting."""
    root = server.url.rsplit("/sub/", 1)[0]
    with urllib.request.urlopen(root + "/__digest/events", timeout=timeout) as stream:
        assert stream.readline() == b"event: hello\n"
        stream.readline()  # data
        stream.readline()  # blank line
        yield stream


@pytest.fixture
def served(make_site: SiteMaker) -> Iterator[tuple[Server, Path]]:
    files = {
        "content/a.md": article("Alpha", id="a", body="First version."),
        "content/d.md": article("Draft", id="d", draft="true"),
    }
    site = make_site(files, config="title: T\nbase_url: https://example.org/sub/\n")
    process = start_serve(site)
    assert process.stdout is not None
    url = ""
    deadline = time.monotonic() + 30
    while not url and time.monotonic() < deadline:
        line = process.stdout.readline()
        if match := re.search(r"serving (http://\S+)", line):
            url = match.group(1)
    assert url, "serve did not start"
    yield Server(process, url), site
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


def assert_served_as_cold(server: Server, site: Path) -> None:
    """Assert that serve's output folder holds what a cold build of `site` makes with
    serve's options: its own URL, drafts and future articles."""
    assert_same_as_cold(site, serve_output(site), base_url=server.url, drafts=True, future=True)


def test_serve_answers_under_the_base_path_with_drafts(served: tuple[Server, Path]) -> None:
    server, site = served
    assert server.url.endswith("/sub/")
    status, home = server.get()
    assert status == 200 and "Alpha" in home and "Draft" in home
    assert '<script src="/__digest/reload.js"></script></body>' in home
    assert server.get("2025/03/12/alpha/")[0] == 200
    status, page = server.get("nowhere/")
    assert status == 404 and "Page not found" in page
    assert not (site / "output").exists()


def wait_for(condition: object, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def next_event(stream: IO[bytes], name: bytes) -> bytes:
    """The data of the next event called `name`, skipping events of other names."""
    while True:
        event, data, _ = stream.readline(), stream.readline(), stream.readline()
        if event == b"event: " + name + b"\n":
            return data


def test_serve_rebuilds_reports_errors_and_recovers(served: tuple[Server, Path]) -> None:
    server, site = served
    with events(server) as stream:
        (site / "content/a.md").write_text(article("Alpha", id="a", body="Second version."))
        assert stream.readline() == b"event: reload\n"
        assert "Second version." in server.get("2025/03/12/alpha/")[1]
        stream.readline()
        stream.readline()
        server.printed_until("built ")
        (site / "content/a.md").write_text("---\ntitle: [broken\n---\n")
        # (after the reload of the build that followed the preview, if that came apart)
        assert b"content/a.md:2: invalid YAML" in next_event(stream, b"build-error")
        assert "Second version." in server.get("2025/03/12/alpha/")[1]  # the last good site
        (site / "content/a.md").write_text(article("Alpha", id="a", body="Third version."))
        assert next_event(stream, b"reload")
    wait_for(lambda: "Third version." in server.get("2025/03/12/alpha/")[1])
    root = server.url.rsplit("/sub/", 1)[0]
    with urllib.request.urlopen(root + "/__digest/reload.js") as script:
        assert b"new EventSource" in script.read()


def test_serve_shows_an_edited_article_first_then_builds_the_rest(
    served: tuple[Server, Path],
) -> None:
    server, site = served
    (site / "content/a.md").write_text(article("Alpha", id="a", body="A quick look."))
    printed = server.printed_until("built ")
    assert printed[-2] == "previewed 2025/03/12/alpha/index.html\n", printed
    assert "A quick look." in server.get("2025/03/12/alpha/")[1]
    assert_served_as_cold(server, site)  # the build after the preview put it right
    # An article that moves (a new title, so a new URL) waits for the full build.
    (site / "content/a.md").write_text(article("Alpha Moved", id="a", body="Moved."))
    printed = server.printed_until("built ")
    assert not any(line.startswith("previewed") for line in printed), printed
    assert "Moved." in server.get("2025/03/12/alpha-moved/")[1]
    assert_served_as_cold(server, site)
    # So does a template, even with an article saved with it.
    write_files(
        site,
        {
            "layouts/404.html": "<p>Lost</p>\n",
            "content/a.md": article("Alpha Moved", id="a", body="Again."),
        },
    )
    printed = server.printed_until("built ")
    assert not any(line.startswith("previewed") for line in printed), printed
    assert_served_as_cold(server, site)


def test_serve_previews_after_starting_on_a_site_already_built(
    served: tuple[Server, Path],
) -> None:
    first, site = served
    first.process.send_signal(signal.SIGTERM)
    first.process.wait(timeout=10)
    port = int(first.url.split(":")[2].split("/")[0])
    process = start_serve(site, port)  # the same URL: its first build finds nothing to do
    assert process.stdout is not None
    assert "(0 rendered, 0 written" in process.stdout.readline()
    url = re.search(r"serving (http://\S+)", process.stdout.readline())
    assert url is not None
    server = Server(process, url.group(1))
    try:
        (site / "content/a.md").write_text(article("Alpha", id="a", body="Seen at once."))
        printed = server.printed_until("built ")
        assert printed[-2] == "previewed 2025/03/12/alpha/index.html\n", printed
        assert_served_as_cold(server, site)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def test_a_reload_lists_the_files_changed_since_the_version_a_page_has() -> None:
    state = BuildState()
    state.publish(None, ("a/index.html",))
    state.publish(None, ("b/index.html", "a/index.html"))
    assert state.wait_after(0, timeout=0) == (2, None, ["a/index.html", "b/index.html"])
    assert state.wait_after(1, timeout=0) == (2, None, ["a/index.html", "b/index.html"])
    state.publish(None, ())  # a build that changed nothing
    assert state.wait_after(2, timeout=0) == (3, None, [])
    state.publish("broken")  # not known: every page reloads
    assert state.wait_after(0, timeout=0) == (4, "broken", None)


def test_serve_ignores_the_cache_and_output_and_watches_a_new_layouts_folder(
    served: tuple[Server, Path],
) -> None:
    server, site = served
    with events(server, timeout=2) as stream:
        write_files(site, {".digest-cache/junk/a.html": "x", "output/b.html": "y"})
        with pytest.raises(TimeoutError):
            stream.readline()  # nothing to rebuild for
    with events(server) as stream:
        write_files(site, {"layouts/404.html": "<p>Lost in the briefing</p>\n"})
        assert stream.readline() == b"event: reload\n"
    wait_for(lambda: "Lost in the briefing" in server.get("nowhere/")[1])
    with events(server) as stream:
        write_files(site, {"layouts/404.html": "<p>Still lost</p>\n"})  # inside the new folder
        assert stream.readline() == b"event: reload\n"
    wait_for(lambda: "Still lost" in server.get("nowhere/")[1])


def test_serve_follows_a_content_folder_deleted_and_made_again(
    served: tuple[Server, Path],
) -> None:
    server, site = served
    shutil.rmtree(site / "content")
    (site / "content").mkdir()
    wait_for(lambda: "Alpha" not in server.get()[1])
    with events(server) as stream:
        write_files(site, {"content/a.md": article("Alpha", id="a", body="Back again.")})
        assert stream.readline() == b"event: reload\n"
    wait_for(lambda: "Back again." in server.get("2025/03/12/alpha/")[1])


def test_serve_builds_a_site_big_enough_for_worker_processes(make_site: SiteMaker) -> None:
    files = {f"content/{n}.md": article(f"Story {n}", id=f"s{n}", tags="[x]") for n in range(150)}
    site = make_site(files)
    process = start_serve(site)
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(2)]
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    assert lines[0].startswith("built 150 articles: "), lines
    assert lines[1].startswith("serving http://127.0.0.1:")
    assert process.returncode == 0


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_serve_goes_on_building_when_its_build_process_dies(served: tuple[Server, Path]) -> None:
    server, site = served
    # serve's one child is the build process (builder.py), started before any thread.
    found = children(server.process.pid)
    assert len(found) == 1, f"serve's children are {found}, not its one build process"
    [child] = found
    assert state_of(child) in "RS", "the build process is not running"
    os.kill(child, signal.SIGKILL)
    wait_for(lambda: state_of(child) in "ZX")  # dead (a zombie until serve notices)
    write_files(site, {"content/a.md": article("Alpha", id="a", body="After the crash.")})
    server.printed_until("the build process ended; building in this one")
    server.printed_until("built ")
    assert "After the crash." in server.get("2025/03/12/alpha/")[1]
    assert_served_as_cold(server, site)


def state_of(pid: int) -> str:
    """The state letter of process `pid` (R running, S sleeping, Z zombie...), or X if it
    is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return "X"
    return stat.rsplit(")", 1)[1].split()[0]


def test_progress_bar_draws_on_a_terminal_only(capsys: pytest.CaptureFixture[str]) -> None:
    bar = ProgressBar(enabled=True)
    bar.drawn_at -= 1
    bar("reading", 5, 10)
    assert capsys.readouterr().err == "\r[###############...............] reading 5/10\x1b[K"
    bar("done", 1, 1)
    assert capsys.readouterr().err == "\r\x1b[K"
    quiet = ProgressBar(enabled=False)
    quiet.drawn_at -= 1
    quiet("reading", 5, 10)
    assert capsys.readouterr().err == ""
