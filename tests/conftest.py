"""Shared test helpers: writing small sites and running the real CLI."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

SiteMaker = Callable[..., Path]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the expected trees of the golden sites from the current output",
    )


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


@pytest.fixture
def make_site(tmp_path: Path) -> SiteMaker:
    """Write a site (site.yaml + files) into a temporary folder and return its path."""

    def make(files: dict[str, str | bytes] | None = None, config: str | None = None) -> Path:
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        (site / "content").mkdir(exist_ok=True)
        default_config = "title: Test Digest\nbase_url: https://example.org/\ntimezone: UTC\n"
        (site / "site.yaml").write_text(config if config is not None else default_config)
        write_files(site, files or {})
        return site

    return make


def in_a_new_process(code: str, *args: str) -> None:
    """Run `code` in a new Python, which has no other threads and so may fork (pytest's
    process may have some, left by the browser tests); it checks with asserts."""
    command = [sys.executable, "-c", textwrap.dedent(code), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def run_digest(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line (`python -m generator ...`) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
