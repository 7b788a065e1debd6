"""Articles as Jekyll and Hugo write them: their field names, TOML front matter, and
the mistakes people make moving a site over, through the real command line."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from conftest import SiteMaker, article, assert_same_as_cold, build_with_cli, run_digest

MARCH = dt.datetime(2025, 3, 20, tzinfo=dt.UTC)


def at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    """Builds from here on run at `moment` (SOURCE_DATE_EPOCH)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))


def pages(site: Path) -> set[str]:
    """The pages of the site's output folder."""
    return {
        p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("index.html")
    }


def tag_pages(site: Path) -> set[str]:
    """The slugs of the tags that have a page."""
    return {
        p.split("/")[1] for p in pages(site) if p.startswith("tags/") and p != "tags/index.html"
    }


def test_jekyll_published_false_is_a_draft(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("Hidden", id="a", published="false")})
    build_with_cli(site)
    assert "2025/03/12/hidden/index.html" not in pages(site)
    build_with_cli(site, "--drafts")
    assert "2025/03/12/hidden/index.html" in pages(site)
    assert_same_as_cold(site, site / "output", drafts=True)


def test_jekyll_categories_in_a_string_are_separated_by_spaces(make_site: SiteMaker) -> None:
    site = make_site(
        {
            "content/a.md": article("A", id="a", categories="news world"),
            "content/b.md": article("B", id="b", categories="'North Korea, Japan'"),
            "content/c.md": article("C", id="c", tags="'North Korea'"),
        }
    )
    build_with_cli(site)
    assert tag_pages(site) == {"news", "world", "north-korea", "japan"}


def test_hugo_publish_date_holds_an_article_back_until_then(
    make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(
        {
            "content/a.md": article("Later", id="a", publishDate="2025-03-25T08:00:00Z"),
            "content/b.md": article("Undated", date="", id="b", publishdate="2025-03-14"),
        }
    )
    at(monkeypatch, MARCH)
    build_with_cli(site)
    assert "2025/03/12/later/index.html" not in pages(site)
    assert "2025/03/14/undated/index.html" in pages(site)  # the publish date as its date
    at(monkeypatch, MARCH + dt.timedelta(days=6))
    build_with_cli(site)  # cached: the record knew when the article falls due
    assert "2025/03/12/later/index.html" in pages(site)  # under its date, not the publish date
    assert_same_as_cold(site, site / "output")  # a cold build at the same moment


def test_hugo_expiry_date_takes_an_article_out_from_then_on(
    make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"content/a.md": article("Brief", id="a", expiryDate="2025-03-22")})
    at(monkeypatch, MARCH)
    build_with_cli(site)
    assert "2025/03/12/brief/index.html" in pages(site)
    at(monkeypatch, MARCH + dt.timedelta(days=3))
    build_with_cli(site)
    assert "2025/03/12/brief/index.html" not in pages(site)
    assert "Brief" not in (site / "output" / "feed.xml").read_text(encoding="utf-8")
    assert_same_as_cold(site, site / "output")  # a cold build at the same moment


def test_hugo_authors_are_the_byline(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("A", id="a", authors="[Kim Min-ji, Lee Jun]")})
    build_with_cli(site)
    html = (site / "output/2025/03/12/a/index.html").read_text(encoding="utf-8")
    byline = '>Kim Min-ji</a>, <a href="/authors/lee-jun/" rel="author">Lee Jun</a>'
    assert f'By <a href="/authors/kim-min-ji/" rel="author"{byline}' in html


def test_toml_front_matter_is_read_as_hugo_writes_it(make_site: SiteMaker) -> None:
    toml = """\
        +++
        title = "From Hugo"
        date = 2025-03-12T09:00:00Z
        tags = ["Energy", "Trade"]
        id = "hugo-1"
        [params]
        desk = "economy"
        +++

        Body *here*.
        """
    site = make_site({"content/a.md": toml})
    build_with_cli(site)
    html = (site / "output/2025/03/12/from-hugo/index.html").read_text(encoding="utf-8")
    assert "<p>Body <em>here</em>.</p>" in html
    assert {"tags/energy/index.html", "tags/trade/index.html"} <= pages(site)


def test_broken_toml_front_matter_names_its_line(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": '+++\ntitle = "A"\ndate = 2025-03-12\ntags = [\n+++\n'})
    built = run_digest("build", "--site", site)
    assert built.returncode == 1
    assert "content/a.md:4: invalid TOML: Invalid value (at end of document)" in built.stderr


def test_a_misspelt_field_is_a_warning_naming_the_field_meant(make_site: SiteMaker) -> None:
    text = "---\ntitle: A\ndate: 2025-03-12\nid: a\ntitel: Typo\nSummary: Said\ndesk: kept\n---\n"
    site = make_site({"content/a.md": text})
    built = run_digest("build", "--site", site)
    assert built.returncode == 0, built.stderr
    warnings = built.stderr
    assert "content/a.md:5: warning: unknown field 'titel': did you mean 'title'?" in warnings
    assert "content/a.md:6: warning: unknown field 'Summary': did you mean 'summary'?" in warnings
    assert "desk" not in warnings  # a field of the site's own, for its templates


def test_a_tag_is_the_same_however_its_accents_are_typed(make_site: SiteMaker) -> None:
    composed, decomposed = "Café", unicodedata.normalize("NFD", "Café")
    assert composed != decomposed
    site = make_site(
        {
            "content/a.md": article("A", id="a", tags=f"[{composed}]"),
            "content/b.md": article("B", id="b", tags=f"[{decomposed}]"),
        }
    )
    build_with_cli(site)
    [tag] = tag_pages(site)
    html = (site / "output/tags" / tag / "index.html").read_text(encoding="utf-8")
    assert ">A</a>" in html and ">B</a>" in html


def test_two_tags_of_one_article_that_make_one_url_are_an_error(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("A", id="a", tags="[C++, C, c]")})
    built = run_digest("build", "--site", site)
    assert built.returncode == 1
    assert "content/a.md:5: tags 'C++' and 'C' make the same URL (tags/c/)" in built.stderr
