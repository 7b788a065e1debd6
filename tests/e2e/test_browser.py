"""The sample site in headless Chromium: clean loads, working links, no sideways scroll at
phone and desktop widths, a real dark mode, and screenshots of each in test-artifacts/.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .conftest import PageOpener, ServedSite
from .pages import PAGES

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

WIDTHS = [375, 1280]

# Every same-origin URL a page refers to (links, stylesheets, icons, images, scripts,
# feeds), without its fragment; and the fragments that point into the page itself.
REFERENCES_JS = """() => {
  const urls = new Set(), fragments = new Set();
  for (const element of document.querySelectorAll('[href], [src]')) {
    const value = element.getAttribute('href') ?? element.getAttribute('src');
    const url = new URL(value, document.baseURI);
    if (url.origin !== location.origin) continue;
    if (url.hash && url.pathname === location.pathname && url.search === location.search) {
      fragments.add(decodeURIComponent(url.hash.slice(1)));
    }
    url.hash = '';
    urls.add(url.href);
  }
  return {urls: [...urls], fragments: [...fragments]};
}"""

COLOURS_JS = """() => {
  const style = getComputedStyle(document.body);
  return {background: style.backgroundColor, text: style.color};
}"""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is reported as it is, not followed


def status_of(url: str) -> int:
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def sideways_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scroll)."""
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return max(0, int(scroll_width) - int(client_width))


def luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of an `rgb(...)`/`rgba(...)` computed colour."""
    match = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, [\d.]+)?\)", css_colour)
    assert match, f"unexpected computed colour {css_colour!r}"
    channels = []
    for value in (int(v) / 255 for v in match.groups()):
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_loads_cleanly_without_sideways_scroll(
    name: str, width: int, open_page: PageOpener, artifacts: Path
) -> None:
    opened = open_page(PAGES[name], width=width)
    page = opened.page
    shots = artifacts / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=shots / f"{name}-{width}.png", full_page=True)
    assert not opened.problems, f"{name} at {width}px:\n" + "\n".join(opened.problems)
    assert page.title().strip(), f"{name} has an empty <title>"
    overflow = sideways_overflow(page)
    assert overflow == 0, f"{name} scrolls sideways at {width}px, by {overflow}px"


@pytest.mark.parametrize("name", PAGES)
def test_every_internal_link_answers_200(
    name: str, open_page: PageOpener, served_site: ServedSite
) -> None:
    opened = open_page(PAGES[name])
    references = opened.page.evaluate(REFERENCES_JS)
    urls = references["urls"]
    assert any(url.endswith("/style.css") for url in urls), f"{name}: no stylesheet found"
    statuses = {url: status_of(url) for url in sorted(urls)}
    bad = [f"{status} {url}" for url, status in statuses.items() if status != 200]
    assert not bad, f"{name} links to URLs that do not answer 200:\n" + "\n".join(bad)
    missing = [
        fragment
        for fragment in references["fragments"]
        if not opened.page.evaluate("id => document.getElementById(id) !== null", fragment)
    ]
    assert not missing, f"{name} links to fragments with no element: {missing}"
    assert not opened.problems, "\n".join(opened.problems)


@pytest.mark.parametrize("name", PAGES)
def test_dark_mode_really_changes_the_colours(
    name: str, open_page: PageOpener, artifacts: Path
) -> None:
    opened = open_page(PAGES[name], color_scheme="light")
    page = opened.page
    light = page.evaluate(COLOURS_JS)
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate(COLOURS_JS)
    shots = artifacts / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=shots / f"{name}-dark.png", full_page=True)
    assert light["background"] != dark["background"], f"{name}: dark mode keeps {light}"
    assert luminance(light["background"]) > 0.8, f"{name}: light background is {light}"
    assert luminance(dark["background"]) < 0.05, f"{name}: dark background is {dark}"
    assert luminance(dark["text"]) > luminance(dark["background"]), f"{name}: {dark}"
    assert not opened.problems, "\n".join(opened.problems)


def test_a_missing_url_answers_404_with_the_sites_404_page(served_site: ServedSite) -> None:
    not_found = (served_site.root / "404.html").read_bytes()
    for path in ["no/such/page/", "2025/03/99/nothing-here/", "tags/no-such-tag/feed.xml"]:
        url = served_site.url(path)
        try:
            urllib.request.urlopen(url, timeout=10).close()
        except urllib.error.HTTPError as error:
            assert error.code == 404, f"{url} answered {error.code}"
            assert error.read() == not_found, f"{url} did not answer with 404.html"
            assert error.headers.get_content_type() == "text/html"
        else:
            pytest.fail(f"{url} answered 200")


def test_the_browser_checks_can_fail(open_page: PageOpener) -> None:
    """The watchers and the measure above see a console error, a failed request and a page
    that scrolls sideways."""
    opened = open_page(PAGES["404"], width=375)
    page = opened.page
    assert not opened.problems and sideways_overflow(page) == 0
    page.evaluate("console.error('e2e self-test')")
    with page.expect_response("**/no-such-file.css"):
        page.evaluate("fetch('/no-such-file.css')")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<pre>' + 'x'.repeat(400))")
    assert any("e2e self-test" in problem for problem in opened.problems), opened.problems
    assert any("HTTP 404" in p and "no-such-file.css" in p for p in opened.problems)
    assert sideways_overflow(page) > 0
