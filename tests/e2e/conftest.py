"""Fixtures of the end-to-end checks: the sample site built once and served on loopback,
a headless Chromium driven by Playwright, Lighthouse runs, and the artifacts folder.

The site is served the way GitHub Pages serves it: `dir/` answers `dir/index.html`, and a
missing path answers 404 with the site's own 404.html.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import REPO, run_digest

from . import tools

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response

ARTIFACTS = REPO / "test-artifacts"
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

# Lines for the terminal summary, by section; the fixtures below fill it.
SUMMARY: dict[str, list[str]] = {}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for title, lines in SUMMARY.items():
        terminalreporter.section(title)
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/ (git-ignored): screenshots, axe results, Lighthouse reports."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files; a missing path gets the site's 404.html with status 404."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: failed requests are reported by the tests themselves


@dataclass
class ServedSite:
    root: Path  # the built output folder
    base: str  # the URL it is served at, ending in "/"

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The sample site, built once for the session with the local server as its base URL."""
    out = tmp_path_factory.mktemp("e2e-site") / "output"
    out.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, directory=str(out)))
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    result = run_digest("build", "--site", REPO, "--output", out, "--base-url", base)
    if result.returncode != 0:
        server.server_close()
        pytest.fail(f"building the sample site failed:\n{result.stdout}{result.stderr}")
    thread = threading.Thread(target=server.serve_forever, name="e2e-http", daemon=True)
    thread.start()
    try:
        yield ServedSite(out, base)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class LazyBrowser:
    """Debian's Chromium, headless, driven by Playwright: started by the first test that
    opens a page, so that a missing program fails that test with a message."""

    def __init__(self) -> None:
        self._stop: list[Callable[[], None]] = []
        self._browser: Browser | None = None

    def get(self) -> Browser:
        if self._browser is None:
            try:
                from playwright.sync_api import sync_playwright
            except ImportError:
                pytest.fail(f"playwright (Python) is not installed: {tools.SETUP}", pytrace=False)
            executable = tools.chromium()
            playwright = sync_playwright().start()
            self._stop.append(playwright.stop)
            self._browser = playwright.chromium.launch(
                executable_path=str(executable),
                headless=True,
                args=[flag for flag in tools.CHROMIUM_FLAGS if flag != "--headless"],
            )
            self._stop.append(self._browser.close)
        return self._browser

    def close(self) -> None:
        while self._stop:
            self._stop.pop()()


@pytest.fixture(scope="session")
def browser() -> Iterator[LazyBrowser]:
    lazy = LazyBrowser()
    yield lazy
    lazy.close()


@dataclass
class OpenedPage:
    page: Page
    # console errors, uncaught exceptions, failed requests and responses >= 400
    problems: list[str] = field(default_factory=list)


PageOpener = Callable[..., OpenedPage]


@pytest.fixture
def open_page(browser: LazyBrowser, served_site: ServedSite) -> Iterator[PageOpener]:
    """Open a page of the served site in a fresh browser context, watching for problems."""
    contexts = []

    def opener(path: str, *, width: int = 1280, color_scheme: str = "light") -> OpenedPage:
        context = browser.get().new_context(
            viewport={"width": width, "height": 800},
            color_scheme=color_scheme,  # type: ignore[arg-type]
        )
        contexts.append(context)
        page = context.new_page()
        opened = OpenedPage(page)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                opened.problems.append(f"console error: {message.text} at {message.location}")

        def on_request_failed(request: Request) -> None:
            opened.problems.append(f"request failed: {request.url} ({request.failure})")

        def on_response(response: Response) -> None:
            if response.status >= 400:
                opened.problems.append(f"HTTP {response.status}: {response.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: opened.problems.append(f"uncaught error: {error}"))
        page.on("requestfailed", on_request_failed)
        page.on("response", on_response)
        url = served_site.url(path)
        response = page.goto(url, wait_until="networkidle")
        assert response is not None, f"no response for {url}"
        assert response.status == 200, f"{url} answered {response.status}"
        return opened

    yield opener
    for context in contexts:
        context.close()


@dataclass
class LighthouseResult:
    name: str
    url: str
    scores: dict[str, int | None]  # category -> 0..100, None if it could not be scored
    weight: int  # total bytes transferred, all requests
    requests: int
    images: int  # bytes transferred for images, of `weight`
    failing: list[str]  # audits below a full score that count towards a category
    report: Path


def _failing_audits(report: dict[str, Any]) -> list[str]:
    failing = []
    for category_id, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if ref.get("weight", 0) > 0 and score is not None and score < 1:
                shown = f": {audit['displayValue']}" if audit.get("displayValue") else ""
                failing.append(f"{category_id}/{ref['id']} score {score}{shown} ({audit['title']})")
    return failing


@pytest.fixture(scope="session")
def lighthouse(
    served_site: ServedSite, artifacts: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str, str], LighthouseResult]:
    """Run Lighthouse (default mobile config) on a page, once per page, one after another."""
    results: dict[str, LighthouseResult] = {}

    def run(name: str, path: str) -> LighthouseResult:
        if name in results:
            return results[name]
        node, cli, chromium = tools.node(), tools.lighthouse_cli(), tools.chromium()
        out = artifacts / "lighthouse"
        out.mkdir(exist_ok=True)
        report_path = out / f"{name}.report.json"
        report_path.unlink(missing_ok=True)
        profile = tmp_path_factory.mktemp(f"lighthouse-{name}")
        url = served_site.url(path)
        command = [
            node,
            str(cli),
            url,
            f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
            "--output=json",
            "--output=html",
            f"--output-path={out / name}",
            "--quiet",
            f"--chrome-flags={' '.join([*tools.CHROMIUM_FLAGS, f'--user-data-dir={profile}'])}",
        ]
        env = {**os.environ, "CHROME_PATH": str(chromium)}
        done = subprocess.run(command, capture_output=True, text=True, timeout=240, env=env)
        shutil.rmtree(profile, ignore_errors=True)
        if done.returncode != 0 or not report_path.is_file():
            pytest.fail(
                f"Lighthouse failed on {url} (exit {done.returncode}):\n"
                f"{done.stdout[-2000:]}{done.stderr[-4000:]}"
            )
        report = json.loads(report_path.read_text(encoding="utf-8"))
        if report.get("runtimeError"):
            pytest.fail(f"Lighthouse could not audit {url}: {report['runtimeError']}")
        scores = {}
        for category in LIGHTHOUSE_CATEGORIES:
            score = report["categories"][category]["score"]
            scores[category] = None if score is None else round(score * 100)
        weight = int(report["audits"]["total-byte-weight"]["numericValue"])
        items = report["audits"]["network-requests"]["details"]["items"]
        shown_images = [i for i in items if i.get("resourceType") == "Image"]
        images = sum(int(i.get("transferSize", 0)) for i in shown_images)
        failing = _failing_audits(report)
        result = LighthouseResult(
            name, url, scores, weight, len(items), images, failing, report_path
        )
        results[name] = result
        shown = "  ".join(f"{category} {score}" for category, score in scores.items())
        SUMMARY.setdefault("Lighthouse 12 (mobile, default config)", []).append(
            f"{name:8} {shown}  weight {weight:,} B ({images:,} B of images) in {len(items)} "
            f"requests  {path}"
        )
        return result

    return run
