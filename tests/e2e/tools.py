"""The programs the end-to-end checks drive, found where tests/e2e/setup.sh installs them.

A missing program fails the test that needs it, naming what is missing: these checks
are never skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent
NODE_MODULES = E2E / "node_modules"
SETUP = "run tests/e2e/setup.sh"

CHROMIUM = Path("/usr/bin/chromium")
# Flags for Chromium as root on a machine without a network: headless, no sandbox, and
# none of the background traffic (updates, sync, component downloads) it would attempt.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _file(path: Path, what: str) -> Path:
    if not path.is_file():
        pytest.fail(f"{what} not found at {path}: {SETUP}", pytrace=False)
    return path


def _program(name: str, what: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{what} ({name}) not found on PATH: {SETUP}", pytrace=False)
    return found


def chromium() -> Path:
    return _file(CHROMIUM, "Chromium (Debian package chromium)")


def java() -> str:
    return _program("java", "a Java runtime")


def node() -> str:
    return _program("node", "Node.js")


def vnu_jar() -> Path:
    return _file(NODE_MODULES / "vnu-jar/build/dist/vnu.jar", "vnu.jar (npm vnu-jar)")


def axe_script() -> Path:
    return _file(NODE_MODULES / "axe-core/axe.min.js", "axe.min.js (npm axe-core)")


def lighthouse_cli() -> Path:
    return _file(NODE_MODULES / "lighthouse/cli/index.js", "Lighthouse (npm lighthouse)")
