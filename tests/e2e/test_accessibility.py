"""axe-core, injected into each page in light and dark mode: no serious or critical violation.

Every violation axe finds (of any impact) is saved to test-artifacts/axe/NAME-SCHEME.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from . import tools
from .conftest import PageOpener
from .pages import PAGES

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}

AXE_JS = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return {
    version: axe.version,
    violations: results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                summary: n.failureSummary})),
    })),
  };
}"""


def run_axe(page: Page) -> dict[str, Any]:
    page.add_script_tag(path=tools.axe_script())
    result: dict[str, Any] = page.evaluate(AXE_JS)
    assert result["version"], "axe-core did not load"
    return result


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_axe_violations(
    name: str, scheme: str, open_page: PageOpener, artifacts: Path
) -> None:
    opened = open_page(PAGES[name], color_scheme=scheme)
    result = run_axe(opened.page)
    out = artifacts / "axe"
    out.mkdir(exist_ok=True)
    (out / f"{name}-{scheme}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    details = [
        f"{v['impact']} {v['id']}: {v['help']} ({v['helpUrl']})\n"
        + "\n".join(f"    {n['target']}: {n['html']}\n      {n['summary']}" for n in v["nodes"])
        for v in blocking
    ]
    assert not blocking, f"axe on {name} ({scheme}):\n" + "\n".join(details)
    assert not opened.problems, "\n".join(opened.problems)


def test_axe_reports_what_it_should(open_page: PageOpener) -> None:
    """The check above can fail: an image without alt text and grey-on-white text are
    reported as critical and serious."""
    page = open_page(PAGES["404"]).page
    page.evaluate(
        """document.querySelector('main').insertAdjacentHTML('beforeend',
             '<img src="favicon.svg"><p style="color: #ccc; background: #fff">faint</p>')"""
    )
    found = {v["id"]: v["impact"] for v in run_axe(page)["violations"]}
    assert found.get("image-alt") == "critical", found
    assert found.get("color-contrast") == "serious", found
