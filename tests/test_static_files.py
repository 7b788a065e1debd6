"""Files a site publishes as they are: its own robots.txt, and the hidden files static
hosts read, through the real command line; every other hidden file stays out."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SiteMaker, article, run_digest

ARTICLE = {"content/a.md": article("A", id="a")}


def build(site: Path) -> None:
    built = run_digest("build", "--site", site)
    assert built.returncode == 0, built.stderr


@pytest.mark.parametrize("where", ["content/robots.txt", "layouts/static/robots.txt"])
def test_a_sites_own_robots_txt_replaces_the_generated_one(
    make_site: SiteMaker, where: str
) -> None:
    own = "User-agent: *\nDisallow: /drafts/\n"
    site = make_site({**ARTICLE, where: own})
    build(site)
    assert (site / "output" / "robots.txt").read_text() == own
    (site / where).unlink()
    build(site)  # cached: the generated one is back
    assert "Sitemap: https://example.org/sitemap.xml" in (site / "output/robots.txt").read_text()


def test_hidden_files_static_hosts_read_are_published_and_no_others(
    make_site: SiteMaker,
) -> None:
    published = {
        "content/.well-known/security.txt": "Contact: mailto:desk@example.org\n",
        "content/.nojekyll": "",
        "content/2025/.htaccess": "Options -Indexes\n",
        "layouts/static/.well-known/assetlinks.json": "[]\n",
    }
    skipped = {
        "content/.DS_Store": "x",
        "content/.git/config": "[core]\n",
        "content/.well-known/.swp": "x",
        "layouts/static/.hidden.css": "x",
    }
    site = make_site({**ARTICLE, **published, **skipped})
    build(site)
    out = site / "output"
    for name, text in published.items():
        file = name.removeprefix("content/").removeprefix("layouts/static/")
        assert (out / file).read_text() == text, file
    for name in skipped:
        file = name.removeprefix("content/").removeprefix("layouts/static/")
        assert not (out / file).exists(), file


def test_an_edit_of_a_published_hidden_file_is_built(make_site: SiteMaker) -> None:
    site = make_site({**ARTICLE, "content/.well-known/security.txt": "Contact: a\n"})
    build(site)
    (site / "content/.well-known/security.txt").write_text("Contact: b\n")
    build(site)  # cached: the change is seen
    assert (site / "output/.well-known/security.txt").read_text() == "Contact: b\n"
