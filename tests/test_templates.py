"""A site's templates: extending the theme's own, and errors that name the template,
its line and the page being made, through the real command line."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, SiteMaker, article, assert_same_as_cold, run_digest

ARTICLE = {"content/2025/a.md": article("Alpha", id="a", body="Some text.")}
PAGE = "2025/03/12/alpha/index.html"


def page(site: Path, file: str = PAGE) -> str:
    return (site / "output" / file).read_text(encoding="utf-8")


def test_a_template_that_extends_its_own_name_extends_the_themes(make_site: SiteMaker) -> None:
    site = make_site(
        {
            **ARTICLE,
            "layouts/base.html": """\
                {% extends "base.html" %}
                {% block extra_head %}<meta name="x-own" content="yes">{% endblock %}
                {% block footer %}{{ super() }}<p>Desk</p>{% endblock %}
                """,
        }
    )
    built = run_digest("build", "--site", site)
    assert built.returncode == 0, built.stderr
    html = page(site)
    assert '<meta name="x-own" content="yes">' in html  # the site's block
    assert "<p>Some text.</p>" in html  # the theme's page around it
    assert "<p>Test Digest</p>\n<p>Desk</p>" in html
    assert html.count("<html") == 1


def test_the_themes_templates_are_there_under_theme(make_site: SiteMaker) -> None:
    site = make_site(
        {
            **ARTICLE,
            "layouts/article.html": """\
                {% extends "theme/article.html" %}
                {% block main %}<p class="before">Before</p>{{ super() }}{% endblock %}
                """,
        }
    )
    built = run_digest("build", "--site", site)
    assert built.returncode == 0, built.stderr
    html = page(site)
    assert html.index('<p class="before">Before</p>') < html.index("<p>Some text.</p>")


def test_a_cached_build_sees_an_edit_of_the_extending_template(make_site: SiteMaker) -> None:
    layout = '{% extends "base.html" %}\n{% block extra_head %}<meta name="v" content="N">'
    layout += "{% endblock %}\n"
    site = make_site({**ARTICLE, "layouts/base.html": layout.replace("N", "1")})
    assert run_digest("build", "--site", site).returncode == 0
    (site / "layouts" / "base.html").write_text(layout.replace("N", "2"))
    assert run_digest("build", "--site", site).returncode == 0
    assert '<meta name="v" content="2">' in page(site)
    assert_same_as_cold(site, site / "output")


def test_a_template_failing_while_a_page_is_made_names_its_file_line_and_page(
    make_site: SiteMaker,
) -> None:
    broken = '{% extends "base.html" %}\n{% block main %}\n{{ 1 // 0 }}\n{% endblock %}\n'
    site_ok = make_site({**ARTICLE})
    assert run_digest("build", "--site", site_ok).returncode == 0
    before = page(site_ok)
    (site_ok / "layouts").mkdir(exist_ok=True)
    (site_ok / "layouts" / "article.html").write_text(broken)
    built = run_digest("build", "--site", site_ok)
    assert built.returncode == 1
    where = site_ok / "layouts" / "article.html"
    assert (
        f"error: {where}:3: template error: ZeroDivisionError: integer division or modulo "
        f"by zero (making {PAGE})"
    ) in built.stderr
    assert "bug in digest" not in built.stderr
    assert page(site_ok) == before  # the last good site stays


def test_a_failing_macro_is_named_where_it_fails(make_site: SiteMaker) -> None:
    site = make_site(
        {
            **ARTICLE,
            "layouts/_mine.html": "{% macro when(a) %}\n{{ a.date | date(7) }}\n{% endmacro %}\n",
            "layouts/404.html": '{% from "_mine.html" import when %}\n{{ when(none) }}\n',
        }
    )
    built = run_digest("build", "--site", site)
    assert built.returncode == 1
    assert f"{site / 'layouts' / '_mine.html'}:2: template error: " in built.stderr
    assert "(making 404.html)" in built.stderr


def test_strict_templates_make_an_undefined_variable_an_error(make_site: SiteMaker) -> None:
    files = {**ARTICLE, "layouts/404.html": "<p>{{ missing }}</p>\n"}
    config = "title: T\nbase_url: https://example.org/\n"
    lenient = make_site(files, config=config)
    assert run_digest("build", "--site", lenient).returncode == 0
    assert page(lenient, "404.html") == "<p></p>\n"
    strict = make_site(files, config=config + "strict_templates: true\n")
    built = run_digest("build", "--site", strict)
    assert built.returncode == 1
    where = strict / "layouts" / "404.html"
    assert f"{where}:1: template error: 'missing' is undefined (making 404.html)" in built.stderr


def test_the_default_theme_makes_every_kind_of_page_with_strict_templates(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    config = (REPO / "site.yaml").read_text() + "\nstrict_templates: true\n"
    (site / "site.yaml").write_text(config)
    checked = run_digest("check", "--site", site)
    assert checked.returncode == 0, checked.stderr
    assert "template error" not in checked.stderr
