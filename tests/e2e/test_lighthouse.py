"""Lighthouse, default (mobile) config: 100 in every category, and a light home page.

The scores and weights go to the terminal summary; the full reports (JSON and HTML) to
test-artifacts/lighthouse/.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import LighthouseResult
from .pages import LIGHTHOUSE_PAGES, PAGES

pytestmark = pytest.mark.e2e

HOME_PAGE_MAX_BYTES = 20_000  # 20 KB, every request of the home page but its images

Lighthouse = Callable[[str, str], LighthouseResult]


@pytest.mark.parametrize("name", LIGHTHOUSE_PAGES)
def test_every_category_scores_100(name: str, lighthouse: Lighthouse) -> None:
    result = lighthouse(name, PAGES[name])
    print(f"\nLighthouse {name} {result.url}: {result.scores}, {result.weight:,} bytes")
    below = {category: score for category, score in result.scores.items() if score != 100}
    assert not below, (
        f"Lighthouse on {name} ({result.url}) scores below 100: {below}\n"
        + "\n".join(result.failing)
        + f"\nfull report: {result.report.with_suffix('.html')}"
    )


def test_home_page_weighs_at_most_20_kb(lighthouse: Lighthouse) -> None:
    """Without its images: the thumbnails of its articles' lead images are theirs."""
    result = lighthouse("home", PAGES["home"])
    weight = result.weight - result.images
    print(f"\nhome page: {weight:,} bytes, and {result.images:,} of images")
    assert result.requests >= 2, "the home page should load its HTML and stylesheet"
    assert weight <= HOME_PAGE_MAX_BYTES, (
        f"the home page transfers {weight:,} bytes besides its images in {result.requests} "
        f"requests, more than {HOME_PAGE_MAX_BYTES:,}"
    )
