"""Golden sites: small example sites built and compared file by file with a committed tree.

After a deliberate change to the output, regenerate the expected trees with
`pytest tests/test_golden.py --update-golden` and review the diff in git.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_digest, tree, tree_differences

GOLDEN = Path(__file__).parent / "golden"
SITES = sorted(p.name for p in GOLDEN.iterdir() if (p / "site").is_dir())


@pytest.mark.parametrize("name", SITES)
def test_golden_site(name: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    out = tmp_path / "out"
    result = run_digest("build", "--site", GOLDEN / name / "site", "--output", out)
    assert result.returncode == 0, result.stderr
    expected_dir = GOLDEN / name / "expected"
    if request.config.getoption("--update-golden"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(out, expected_dir)
    differences = tree_differences(tree(expected_dir), tree(out))
    assert not differences, (
        f"golden site {name!r} differs (rerun with --update-golden if intended):\n{differences}"
    )
