"""The code checks the project promises: ruff (lint and format) and mypy, strict, on generator/."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO

CHECKS = {
    "ruff check": [sys.executable, "-m", "ruff", "check", "generator", "tests"],
    "ruff format": [sys.executable, "-m", "ruff", "format", "--check", "generator", "tests"],
    "mypy": [sys.executable, "-m", "mypy", "generator"],
}


@pytest.mark.parametrize("name", CHECKS)
def test_code_check_passes(name: str) -> None:
    result = subprocess.run(CHECKS[name], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
