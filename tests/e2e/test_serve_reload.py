"""`digest serve` in a real browser: a saved edit shows in the open page within 2 seconds,
and the page reloads only when it changed."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import article

from .conftest import LazyBrowser

pytestmark = pytest.mark.e2e


def test_an_open_page_reloads_after_an_edit(browser: LazyBrowser, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text("title: Live\nbase_url: https://example.org/live/\n")
    story = site / "content/story.md"
    story.write_text(article("Live Story", id="live", body="The first version."))
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = ""
        while not url:
            line = server.stdout.readline()
            assert line, "digest serve stopped before serving"
            if match := re.search(r"serving (http://\S+)", line):
                url = match.group(1)
        page = browser.get().new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url + "2025/03/12/live-story/")
        assert page.locator(".body").inner_text().strip() == "The first version."
        page.wait_for_function("() => performance.getEntriesByType('resource').length > 0")
        time.sleep(0.3)  # let the page's event stream connect
        story.write_text(article("Live Story", id="live", body="The second version."))
        saved = time.monotonic()
        page.wait_for_function(
            "() => document.querySelector('.body')?.innerText.includes('The second version.')",
            timeout=2000,
        )
        print(f"reloaded {time.monotonic() - saved:.2f}s after the save")
        # The page was shown first on its own; the build that follows makes it with the
        # same bytes (and the home page, feeds... anew), so it does not reload again.
        page.evaluate("window.notReloaded = true")
        while not (line := server.stdout.readline()).startswith("built "):
            assert line, "digest serve stopped"
        time.sleep(0.5)  # the build's reload event, had it been for this page
        assert page.evaluate("window.notReloaded === true")
        story.write_text("---\ntitle: [broken\n---\n")
        page.wait_for_selector("#digest-build-error", timeout=2000)
        assert "content/story.md:2: invalid YAML" in page.inner_text("#digest-build-error")
        story.write_text(article("Live Story", id="live", body="The third version."))
        page.wait_for_function(
            "() => document.querySelector('.body')?.innerText.includes('The third version.')",
            timeout=2000,
        )
        assert page.locator("#digest-build-error").count() == 0
        assert errors == []
        page.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
