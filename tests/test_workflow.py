"""The authoring commands as a user runs them: new and check (import: test_import.py,
serve: test_serve.py), and the progress bar of a build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from conftest import (
    REPO,
    SiteMaker,
    article,
    run_digest,
)

from generator.commands.terminal import ProgressBar

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
