"""`digest serve` as a user and a browser use it: the site under its base path, rebuilds
on every save with live reload, and the HTTP server's own manners (HEAD, idle
connections, a port in use), through the real command line and a real HTTP client."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest
from conftest import (
    SiteMaker,
    article,
    assert_same_as_cold,
    children,
    run_digest,
    write_files,
)

from generator.incremental.store import serve_output
from generator.serve.state import BuildState


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


# the HTTP server


def test_serve_answers_head_as_get_without_the_body(served: tuple[Server, Path]) -> None:
    server, _ = served
    for path in ("", "2025/03/12/alpha/", "nowhere/"):
        request = urllib.request.Request(server.url + path, method="HEAD")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            status, headers, body = exc.code, exc.headers, exc.read()
        got, page = server.get(path)
        assert status == got, path
        assert body == b"", path
        assert headers["Content-Length"] == str(len(_served_bytes(server, path))), path
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert page


def test_serve_gives_feeds_opml_its_type(served: tuple[Server, Path]) -> None:
    server, _ = served
    with urllib.request.urlopen(server.url + "feeds.opml", timeout=10) as response:
        assert response.headers["Content-Type"] == "text/x-opml; charset=utf-8"
        assert b'<opml version="2.0">' in response.read()


def _served_bytes(server: Server, path: str) -> bytes:
    try:
        with urllib.request.urlopen(server.url + path, timeout=10) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as exc:
        return bytes(exc.read())


def test_idle_connections_do_not_keep_a_request_from_being_answered(
    served: tuple[Server, Path],
) -> None:
    server, _ = served
    host, port = re.match(r"http://([^:/]+):(\d+)/", server.url).groups()  # type: ignore[union-attr]
    idle = [socket.create_connection((host, int(port)), timeout=10) for _ in range(300)]
    try:
        started = time.monotonic()
        status, page = server.get("2025/03/12/alpha/")
        assert status == 200 and "First version." in page
        assert time.monotonic() - started < 5
    finally:
        for connection in idle:
            connection.close()


def test_a_port_in_use_is_an_error_saying_so(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("A", id="a")})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_digest("serve", "--site", site, "--port", str(port))
    assert result.returncode == 1
    assert f"port {port} of 127.0.0.1 is in use" in result.stderr
    assert "internal error" not in result.stderr and "Errno" not in result.stderr


def test_an_address_not_of_this_machine_is_an_error_saying_so(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("A", id="a")})
    result = run_digest("serve", "--site", site, "--bind", "192.0.2.1", "--port", "0")
    assert result.returncode == 1
    assert "192.0.2.1 is not an address of this machine" in result.stderr


def test_serve_waits_for_another_build_of_the_site_to_end(served: tuple[Server, Path]) -> None:
    from generator.incremental.lock import build_lock

    server, site = served
    with build_lock(site):  # as a `digest build` running meanwhile holds it
        (site / "content/b.md").write_text(article("Beta", id="b", body="While locked."))
        server.printed_until("changed: ")
        time.sleep(1)  # serve's build is waiting on the lock, not failing
        assert server.get("2025/03/12/beta/")[0] == 404
    printed = server.printed_until("built ")
    assert not any("another build" in line for line in printed), printed
    assert "While locked." in server.get("2025/03/12/beta/")[1]
