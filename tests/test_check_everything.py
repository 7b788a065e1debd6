"""`digest check` reports every problem of every stage in one run, and what only the
published site would break, through the real command line."""

from __future__ import annotations

from conftest import SiteMaker, article, run_digest

BROKEN_LIST = "{% extends 'base.html' %}{% block main %}{{ 1 // 0 }}{% endblock %}"


def test_one_run_reports_every_stages_problems(make_site: SiteMaker) -> None:
    site = make_site(
        {
            "content/a.md": article("A", id="same"),
            "content/b.md": article("B", id="same"),
            "content/c.md": "---\ntitle: C\ntags: [x\n---\n",
            "content/d.md": article("D", id="d", body="See [gone](/nowhere/).", tags="[x, y]"),
            "layouts/list.html": BROKEN_LIST,
        }
    )
    checked = run_digest("check", "--site", site)
    assert checked.returncode == 1
    errors = [line for line in checked.stderr.splitlines() if line.startswith("error: ")]
    assert any("id same is also used by" in line for line in errors)  # assembling
    assert any(line.startswith("error: content/c.md:3: invalid YAML") for line in errors)
    assert "error: content/d.md:8: link /nowhere/ points at no page or file" in checked.stderr
    [template] = [line for line in errors if "template error" in line]
    assert "ZeroDivisionError" in template and " other outputs" in template  # once
    assert checked.stderr.rstrip().endswith(f"check failed: {len(errors)} errors")


def test_a_published_article_linking_to_a_draft_is_an_error(make_site: SiteMaker) -> None:
    site = make_site(
        {
            "content/a.md": article("A", id="a", body="Read [next](/2025/03/12/d/)."),
            "content/d.md": article("D", id="d", draft="true", body="Back to [a](/2025/03/12/a/)."),
            "content/e.md": article("E", id="e", draft="true", body="And [d](/2025/03/12/d/)."),
        }
    )
    checked = run_digest("check", "--site", site)
    assert checked.returncode == 1
    message = "error: content/a.md:7: link /2025/03/12/d/ points at a draft or future article"
    assert message in checked.stderr
    assert "content/e.md" not in checked.stderr  # a draft may link to a draft
    assert "content/d.md" not in checked.stderr  # and to a published article
