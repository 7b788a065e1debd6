"""site.yaml's `menu` (the header's links) and `params` (free values for templates)."""

from __future__ import annotations

from pathlib import Path

from conftest import (
    TEST_CONFIG,
    SiteMaker,
    article,
    assert_same_as_cold,
    build_with_cli,
    edit,
    run_digest,
    tree,
)

FILES = {
    "content/2025/story.md": article("Story", id="s1", tags="[World]"),
    "content/pages/about.md": "---\ntitle: About\n---\n\nUs.\n",
}
MENU = """\
menu:
  - {name: Home, url: /}
  - {name: About, url: /about/}
  - {name: Tags, url: /tags/}
  - {name: Tip us, url: "mailto:desk@example.org"}
  - {name: Parent paper, url: "https://paper.example.com/?from=digest"}
"""


def header(out: Path, file: str) -> str:
    html = (out / file).read_text()
    return html[html.index('<nav aria-label="Site">') : html.index("</nav>")]


def test_the_menu_replaces_the_themes_links_and_marks_the_current_page(
    make_site: SiteMaker,
) -> None:
    config = TEST_CONFIG.replace("https://example.org/", "https://example.org/news/") + MENU
    out = build_with_cli(make_site(FILES, config=config))
    about = header(out, "about/index.html")
    assert about.count("<li>") == 5
    assert '<a href="/news/">Home</a>' in about
    assert '<a href="/news/about/" aria-current="page">About</a>' in about
    assert '<a href="mailto:desk@example.org">Tip us</a>' in about
    assert '<a href="https://paper.example.com/?from=digest">Parent paper</a>' in about
    assert "Archive" not in about  # the theme's own links give way
    home = header(out, "index.html")
    assert '<a href="/news/" aria-current="page">Home</a>' in home
    assert home.count("aria-current") == 1
    assert '<a href="/news/tags/" aria-current="page">Tags</a>' in header(out, "tags/index.html")
    # A page below a menu entry's page is in it: "true", not "page".
    tag_page = header(out, "tags/world/index.html")
    assert '<a href="/news/tags/" aria-current="true">Tags</a>' in tag_page
    story = header(out, "2025/03/12/story/index.html")
    assert "aria-current" not in story


def test_without_a_menu_the_theme_links_its_own_pages(make_site: SiteMaker) -> None:
    nav = header(build_with_cli(make_site(FILES)), "index.html")
    assert '<li><a href="/">Latest</a></li>' in nav
    assert '<li><a href="/tags/">Tags</a></li>' in nav


def test_params_reach_templates_and_the_footer(make_site: SiteMaker) -> None:
    config = TEST_CONFIG + 'params:\n  footer: "© The Desk"\n  editor: {name: Ann}\n'
    files = {
        **FILES,
        "layouts/page.html": (
            '{% extends "theme/page.html" %}\n'
            "{% block main %}<p>Editor: {{ site.params.editor.name }}</p>{% endblock %}\n"
        ),
    }
    out = build_with_cli(make_site(files, config=config))
    about = (out / "about/index.html").read_text()
    assert "<p>Editor: Ann</p>" in about
    assert '<footer class="site-footer">\n  <p>© The Desk</p>\n</footer>' in about
    # Without params the footer is the site's title, as ever; strict templates
    # accept a footer that is not there.
    strict = TEST_CONFIG + "strict_templates: true\n"
    site = make_site(FILES, config=strict)
    (site / "layouts/page.html").unlink()
    plain = (build_with_cli(site) / "about/index.html").read_text()
    assert "<p>Test Digest</p>\n</footer>" in plain


def test_bad_menus_and_params_are_errors_at_their_line(make_site: SiteMaker) -> None:
    cases = {
        "menu:\n  - {name: About}\n": "site.yaml:5: each menu entry must be a mapping",
        "menu:\n  - {name: About, url: about}\n": "site.yaml:5: the url of menu entry 'About' "
        "must start with / (a page of the site): 'about'",
        "menu:\n  - {name: X, url: 'javascript:alert(1)'}\n": "site.yaml:5: the url of menu "
        "entry 'X' must be http(s), mailto: or a site path",
        "menu: {About: /about/}\n": "site.yaml:5: menu must be list, got dict",
        "params: [footer]\n": "site.yaml:5: params must be dict, got list",
    }
    site = make_site(FILES)
    out = build_with_cli(site)
    before = tree(out)
    for setting, message in cases.items():
        (site / "site.yaml").write_text(TEST_CONFIG + setting)
        failed = run_digest("build", "--site", site)
        assert failed.returncode == 1, setting
        assert message in failed.stderr, failed.stderr
        assert tree(out) == before


def test_an_edited_menu_or_footer_builds_what_a_cold_build_makes(make_site: SiteMaker) -> None:
    site = make_site(FILES, config=TEST_CONFIG + MENU + "params:\n  footer: One\n")
    build_with_cli(site)
    edit(site, "site.yaml", "name: About,", "name: Who we are,")
    out = build_with_cli(site)
    assert "Who we are</a>" in (out / "index.html").read_text()
    assert_same_as_cold(site, out)
    edit(site, "site.yaml", "footer: One", "footer: Two")
    out = build_with_cli(site)
    assert "<p>Two</p>" in (out / "2025/03/12/story/index.html").read_text()
    assert_same_as_cold(site, out)
