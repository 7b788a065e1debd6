"""The real `digest` command line, run as a user would, on the sample site and small sites."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import (
    REPO,
    SiteMaker,
    article,
    assert_same_as_cold,
    build_with_cli,
    mtimes,
    run_digest,
    sample_article_files,
    tree,
)
from sitecheck import broken_links, links_of


def test_sample_site_builds_every_kind_of_page(sample: Path) -> None:
    out = sample
    articles = sample_article_files()
    pages = sorted(out.glob("20*/*/*/*/index.html"))
    assert len(pages) == len(articles) >= 10
    seed = out / "2025/03/12/north-korea-enhances-military-ties-with-russia-amid-troop-deployments"
    html = (seed / "index.html").read_text()
    assert "Source: asianews.network" in html
    assert "Leave a Reply" not in html
    for page in ["index.html", "page/2/index.html", "tags/index.html", "404.html"]:
        assert (out / page).is_file(), page
    assert (out / "tags/north-korea/index.html").is_file()
    assert (out / "tags/東京/index.html").is_file()
    assert (out / "style.css").is_file() and (out / "favicon.svg").is_file()
    assert (out / "2025/03/launch-site-map.svg").is_file()


def test_sample_site_has_no_broken_internal_links(sample: Path) -> None:
    base_url = yaml.safe_load((REPO / "site.yaml").read_text())["base_url"]
    assert broken_links(sample, base_url) == []


def test_base_url_override_moves_every_link_under_a_sub_path(tmp_path: Path) -> None:
    base = "https://example.github.io/briefing/"
    out = tmp_path / "out"
    build_with_cli(REPO, "--output", out, "--base-url", base)
    assert broken_links(out, base) == []
    home = (out / "index.html").read_text()
    internal = [link for link in links_of(home) if not link.startswith(("http", "#"))]
    assert internal and all(link.startswith("/briefing/") for link in internal)
    assert f'<link rel="canonical" href="{base}">' in home


def test_summary_line_and_second_build_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_digest("build", "--site", REPO, "--output", out)
    assert first.returncode == 0
    assert re.fullmatch(
        r"built 11 articles: \d+ pages, 53 feeds, 5 files in [\d.]+s; 0 warnings "
        r"\(\d+ rendered, \d+ written, 0 unchanged, 0 removed\)\n",
        first.stdout,
    )
    before = mtimes(out)
    second = run_digest("build", "--site", REPO, "--output", out)
    assert "0 written" in second.stdout
    assert mtimes(out) == before


def test_default_output_folder_and_site_option(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"content/a.md": article("Alpha")})
    result = run_digest("build", cwd=site)
    assert result.returncode == 0, result.stderr
    assert (site / "output/2025/03/12/alpha/index.html").is_file()
    result = run_digest("build", "--site", site, cwd=tmp_path)
    assert result.returncode == 0
    assert "0 written" in result.stdout


def test_site_without_layouts_uses_the_default_theme(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("Alpha")})
    assert not (site / "layouts").exists()
    assert run_digest("build", "--site", site).returncode == 0
    html = (site / "output/2025/03/12/alpha/index.html").read_text()
    assert "<h1>Alpha</h1>" in html and (site / "output/style.css").is_file()


def test_site_layouts_override_one_template(make_site: SiteMaker) -> None:
    site = make_site(
        {
            "content/a.md": article("Alpha"),
            "layouts/article.html": "<p>custom {{ article.title }} {{ article.extra.mood }}</p>\n",
        }
    )
    (site / "content/a.md").write_text(article("Alpha", mood="calm"))
    assert run_digest("build", "--site", site).returncode == 0
    assert (site / "output/2025/03/12/alpha/index.html").read_text() == "<p>custom Alpha calm</p>\n"
    assert "<h1>Tags</h1>" in (site / "output/tags/index.html").read_text()


def test_every_broken_file_is_reported_and_output_is_kept(make_site: SiteMaker) -> None:
    site = make_site({"content/good.md": article("Good")})
    assert run_digest("build", "--site", site).returncode == 0
    before = tree(site / "output")
    (site / "content/no-title.md").write_text("---\ndate: 2025-01-01\n---\nx\n")
    (site / "content/bad-date.md").write_text("---\ntitle: X\ndate: someday\n---\nx\n")
    (site / "content/bad-yaml.md").write_text("---\ntitle: X\ndate: 2025-01-01\ntags: [a\n---\n")
    result = run_digest("build", "--site", site)
    assert result.returncode == 1
    assert "content/no-title.md:1: missing required field 'title'" in result.stderr
    assert "content/bad-date.md:3: date: cannot read 'someday' as a date" in result.stderr
    assert "content/bad-yaml.md:" in result.stderr
    assert "3 errors" in result.stderr
    assert tree(site / "output") == before


def test_config_errors_and_usage_errors(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("A")}, config="title: T\ncolour: blue\n")
    result = run_digest("build", "--site", site)
    assert result.returncode == 1
    assert "site.yaml:2: unknown key 'colour'" in result.stderr
    assert run_digest("build", "--no-such-flag").returncode == 2
    assert run_digest("frobnicate").returncode == 2


def test_missing_site_files_are_clear_errors(tmp_path: Path) -> None:
    result = run_digest("build", "--site", tmp_path)
    assert result.returncode == 1
    assert "no site.yaml" in result.stderr
    (tmp_path / "site.yaml").write_text("title: T\n")
    result = run_digest("build", "--site", tmp_path)
    assert result.returncode == 1 and "no content/ folder" in result.stderr


def test_output_inside_the_site_content_is_refused(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("A")})
    result = run_digest("build", "--site", site, "--output", site / "content/out")
    assert result.returncode == 1 and "output folder must not" in result.stderr
    result = run_digest("build", "--site", site, "--output", site)
    assert result.returncode == 1
    assert (site / "content/a.md").is_file()


def test_drafts_are_left_out_unless_asked(make_site: SiteMaker) -> None:
    site = make_site({"content/d.md": article("Draft Story", draft="true")})
    assert run_digest("build", "--site", site).returncode == 0
    assert not (site / "output/2025/03/12/draft-story").exists()
    build_with_cli(site, "--drafts")
    assert (site / "output/2025/03/12/draft-story/index.html").is_file()
    assert_same_as_cold(site, site / "output", drafts=True)


def test_help_and_version() -> None:
    result = run_digest("build", "--help")
    assert result.returncode == 0 and "--base-url" in result.stdout and "--site" in result.stdout
    assert run_digest("--version").stdout.startswith("digest ")


def test_installed_wheel_carries_the_default_theme(tmp_path: Path) -> None:
    """`pip install .` (not only an editable install) must ship the theme inside the package."""
    import subprocess
    import sys
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("digest-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for template in ["base.html", "article.html", "list.html", "tags.html", "404.html"]:
        assert f"generator/theme/default/{template}" in names
    assert "generator/theme/default/static/style.css" in names
    shutil.rmtree(tmp_path / "build", ignore_errors=True)


def test_any_number_of_jobs_builds_the_same_site(make_site: SiteMaker, tmp_path: Path) -> None:
    files = {
        f"content/{n:03d}.md": article(f"Story {n}", id=f"s{n}", tags=f"[t{n % 5}]", mood=str(n))
        for n in range(150)
    }
    site = make_site(files)
    trees = []
    for jobs in ["1", "2", "3"]:
        out = tmp_path / f"out-{jobs}"
        build_with_cli(site, "--output", out, "--jobs", jobs)
        trees.append(tree(out))
    assert len(trees[0]) > 150
    assert trees[0] == trees[1] == trees[2]


def test_profile_prints_the_time_of_each_stage(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("Alpha")})
    result = run_digest("build", "--site", site, "--profile")
    assert result.returncode == 0
    report = result.stdout.split("time by stage:\n")[1]
    stages = [line.split()[0] for line in report.splitlines()]
    assert stages == [
        "starting",
        "reading",
        "assembling",
        "planning",
        "rendering",
        "writing",
    ]
    assert all(re.fullmatch(r"\s+\w+\s+\d+\.\d\d s\s+\d+%", line) for line in report.splitlines())


def test_a_build_with_no_standard_output_still_succeeds(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("A", id="a")})
    command = [sys.executable, "-m", "generator", "build", "--site", str(site)]
    closed = subprocess.run(command, preexec_fn=lambda: os.close(1), timeout=120)
    assert closed.returncode == 0
    assert (site / "output" / "index.html").exists()


def test_a_summary_that_cannot_be_written_fails_the_command(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("A", id="a")})
    command = [sys.executable, "-m", "generator", "build", "--site", str(site)]
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:  # every write fails: the disk is full
        result = subprocess.run(command, stdout=full, env=buffered, timeout=120)
    assert result.returncode == 120  # as Python's own exit when stdout cannot be flushed
