"""The Nu HTML Checker (vnu.jar, run once over every page): no errors in any HTML page of
the built sample site or of the golden sites' expected output.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from . import tools
from .conftest import SUMMARY, ServedSite

pytestmark = pytest.mark.e2e

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
GOLDEN_SITES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected").is_dir())
SITES = ["sample", *(f"golden/{name}" for name in GOLDEN_SITES)]

Messages = dict[Path, list[dict[str, object]]]


def site_root(name: str, served_site: ServedSite) -> Path:
    return served_site.root if name == "sample" else GOLDEN / name.split("/")[1] / "expected"


def run_vnu(pages: list[Path]) -> Messages:
    """Check `pages` in one run of vnu.jar; its messages by page (every page has an entry)."""
    command = [tools.java(), "-jar", str(tools.vnu_jar()), "--format", "json", "--stdout"]
    done = subprocess.run(
        [*command, "--verbose", "--exit-zero-always", *map(str, pages)],
        capture_output=True,
        encoding="utf-8",
        timeout=300,
        env={**os.environ, "LC_ALL": "C.UTF-8"},  # Java reads non-ASCII file names right
    )
    assert done.returncode == 0, f"vnu.jar failed (exit {done.returncode}):\n{done.stderr}"
    # --verbose names each file it has read and checked on stderr
    checked = {Path(line).resolve() for line in done.stderr.splitlines() if line.startswith("/")}
    unchecked = [str(page) for page in pages if page.resolve() not in checked]
    assert not unchecked, "vnu.jar did not check:\n" + "\n".join(unchecked) + done.stdout
    messages: Messages = {page.resolve(): [] for page in pages}
    for message in json.loads(done.stdout)["messages"]:
        path = Path(unquote(urlsplit(str(message.get("url", ""))).path)).resolve()
        assert path in messages, f"vnu.jar: {message}"
        messages[path].append(message)
    return messages


@pytest.fixture(scope="session")
def vnu_messages(served_site: ServedSite) -> Callable[[], Messages]:
    """vnu.jar's messages on every page of every site, from one run made on first use."""
    cache: list[Messages] = []

    def messages() -> Messages:
        if not cache:
            pages = [
                page
                for name in SITES
                for page in sorted(site_root(name, served_site).rglob("*.html"))
            ]
            cache.append(run_vnu(pages))
            errors = len(errors_in(cache[0], Path("/")))
            SUMMARY["Nu HTML Checker"] = [
                f"{len(pages)} pages of {', '.join(SITES)}: {errors} errors"
            ]
        return cache[0]

    return messages


def errors_in(messages: Messages, root: Path) -> list[str]:
    errors = []
    for path, found in sorted(messages.items()):
        for message in found:
            if message["type"] != "info":  # "error" or "non-document-error"
                where = f"{path.relative_to(root)}:{message.get('lastLine', '?')}"
                extract = str(message.get("extract", "")).strip()
                errors.append(f"{where}: {message['message']}\n    {extract}")
    return errors


@pytest.mark.parametrize("name", SITES)
def test_every_page_has_no_html_errors(
    name: str, vnu_messages: Callable[[], Messages], served_site: ServedSite
) -> None:
    root = site_root(name, served_site).resolve()
    checked = {path: found for path, found in vnu_messages().items() if path.is_relative_to(root)}
    assert (root / "index.html") in checked and (root / "404.html") in checked, root
    errors = errors_in(checked, root)
    assert not errors, f"vnu.jar finds {len(errors)} errors in {name}:\n" + "\n".join(errors)


def test_the_checker_reports_errors(tmp_path: Path) -> None:
    """The check above can fail: vnu.jar, run the same way, reports a broken page."""
    good, broken = tmp_path / "good.html", tmp_path / "東京" / "broken.html"
    good.write_text("<!doctype html><html lang=en><title>x</title><p>fine", encoding="utf-8")
    broken.parent.mkdir()
    broken.write_text("<!doctype html><html lang=en><title>x</title><p><div></span>")
    errors = errors_in(run_vnu([good, broken]), tmp_path.resolve())
    assert errors and all(error.startswith("東京/broken.html:1: ") for error in errors), errors
