"""The search page in headless Chromium, against the index Pagefind built with the sample
site: English and Japanese queries, a link with ?q=, the keyboard, filters of the index,
JavaScript off, and the whole site published under a sub-path.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import REPO, article, run_digest, serving, write_files

from .conftest import LazyBrowser, OpenedPage, PageOpener, ServedSite, SiteHandler

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

MISSILES = "2025/03/11/north-korea-fires-several-cruise-missiles-off-west-coast-seoul-says/"
DRILL = "2025/03/14/東京都が大規模な防災訓練-首都直下地震を想定/"


def results(page: Page, query: str) -> list[str]:
    """The links of the results the page shows for `query`, once it says it found them."""
    page.wait_for_function(
        "query => document.querySelector('.search-status').textContent.includes(query)",
        arg=f"for “{query}”",
        timeout=15_000,
    )
    return [
        link.get_attribute("href") or "" for link in page.query_selector_all(".search-results h2 a")
    ]


def ask(opened: OpenedPage, query: str) -> list[str]:
    """Type `query` into the form, press Enter, and return the results' links."""
    page = opened.page
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    return results(page, query)


def test_a_query_finds_an_english_article_and_a_japanese_one(
    open_page: PageOpener, served_site: ServedSite
) -> None:
    opened = open_page("/search/")
    found = ask(opened, "missile")
    assert "/" + MISSILES in found
    assert "/" + DRILL not in found
    first = opened.page.query_selector(".search-results li")
    assert first is not None
    text = first.inner_text()
    assert "March 2025" in text  # the date
    assert first.query_selector("mark") is not None  # the excerpt, with the word found
    assert "Defense" in text  # the tags
    assert ask(opened, "訓練") == ["/" + DRILL]  # a word inside Japanese text, unspaced
    assert ask(opened, "首都直下地震") == ["/" + DRILL]
    assert not opened.problems, "\n".join(opened.problems)
    # The result is a working link, and the query is in the address for a reload.
    assert opened.page.url.endswith(
        "/search/?q=%E9%A6%96%E9%83%BD%E7%9B%B4%E4%B8%8B%E5%9C%B0%E9%9C%87"
    )
    opened.page.click(".search-results h2 a")
    opened.page.wait_for_url(served_site.url(DRILL).replace(DRILL, "**"))
    assert "防災訓練" in opened.page.title()


def test_a_link_with_q_searches_at_once_and_the_keyboard_reaches_the_form(
    open_page: PageOpener,
) -> None:
    opened = open_page("/search/?q=pipeline")
    found = results(opened.page, "pipeline")
    assert "/2025/03/12/russia-and-china-review-progress-on-energy-projects/" in found
    assert opened.page.input_value("#search-query") == "pipeline"
    page = open_page("/search/").page
    for _ in range(20):  # Tab through the header to the field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-query":
            break
    else:
        pytest.fail("Tab never reaches the search field")
    page.keyboard.type("satellite")
    page.keyboard.press("Enter")
    satellite = "/2025/03/12/satellite-imagery-shows-expansion-at-coastal-launch-site-in-china/"
    assert satellite in results(page, "satellite")


def test_the_index_filters_by_tag_source_and_year(open_page: PageOpener) -> None:
    opened = open_page("/search/")
    filtered = opened.page.evaluate(
        """async () => {
          const pagefind = await import('/pagefind/pagefind.js');
          const urls = async (filters) => {
            const found = await pagefind.search(null, {filters});
            return Promise.all(found.results.map(async (r) => (await r.data()).url));
          };
          return {
            filters: await pagefind.filters(),
            japan: await urls({tag: 'Japan'}),
            wire: await urls({source: 'Example Asia Newswire'}),
            year: await urls({year: '2025'}),
          };
        }"""
    )
    assert set(filtered["filters"]) == {"tag", "source", "year"}
    assert filtered["filters"]["year"] == {"2025": 10}  # the English index's articles
    japan = filtered["japan"]
    assert japan and all("japan" in url or "tokyo" in url for url in japan), japan
    assert filtered["wire"] == [
        "/2025/03/13/tokyo-hosts-regional-forum-on-space-debris-monitoring/"
    ]
    assert len(filtered["year"]) == 10
    assert not opened.problems, "\n".join(opened.problems)


def test_without_javascript_the_page_says_so_and_links_elsewhere(
    browser: LazyBrowser, served_site: ServedSite
) -> None:
    context = browser.get().new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served_site.url("/search/"))
        notice = page.inner_text("main")
        assert "Search needs JavaScript" in notice
        links = [a.get_attribute("href") for a in page.query_selector_all("main p a")]
        assert links == ["/tags/", "/archive/"]
    finally:
        context.close()


class SubPathHandler(SiteHandler):
    """The site's files under /news/, as GitHub Pages serves a project site."""

    def translate_path(self, path: str) -> str:
        inner = path.removeprefix("/news")
        return super().translate_path(inner if inner != path else "/nowhere-outside-news")


@pytest.fixture(scope="module")
def sub_path_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site built for and served under http://127.0.0.1:PORT/news/."""
    out = tmp_path_factory.mktemp("sub-path") / "output"
    out.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SubPathHandler, directory=str(out)))
    base = f"http://127.0.0.1:{server.server_address[1]}/news/"
    result = run_digest("build", "--site", REPO, "--output", out, "--base-url", base)
    assert result.returncode == 0, result.stderr
    with serving(server):
        yield base


def test_search_works_under_a_sub_path(browser: LazyBrowser, sub_path_site: str) -> None:
    context = browser.get().new_context()
    try:
        page = context.new_page()
        failed: list[str] = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        page.on("pageerror", lambda error: failed.append(str(error)))
        page.goto(sub_path_site)
        page.click("header >> text=Search")
        assert page.url == sub_path_site + "search/"
        page.fill("#search-query", "訓練")
        page.press("#search-query", "Enter")
        assert results(page, "訓練") == ["/news/" + DRILL]
        page.click(".search-results h2 a")
        page.wait_for_load_state()
        assert "防災訓練" in page.title()
        assert not failed, failed
    finally:
        context.close()


def test_results_come_ten_at_a_time(browser: LazyBrowser, tmp_path: Path) -> None:
    site = tmp_path / "site"
    stories = {
        f"content/{n:02}.md": article(f"Harbour story {n}", f"2025-03-{1 + n:02}", id=f"h{n}")
        for n in range(25)
    }
    write_files(site, {"site.yaml": "title: T\nbase_url: https://example.org/\n", **stories})
    out = tmp_path / "out"
    assert run_digest("build", "--site", site, "--output", out).returncode == 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.get().new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/?q=harbour")
        assert len(results(page, "harbour")) == 10
        assert "25 articles for “harbour”, the first 10 shown." in page.inner_text(".search-status")
        for expected in (20, 25):
            page.click(".search-more")
            page.wait_for_function(
                "n => document.querySelectorAll('.search-results li').length === n", arg=expected
            )
        assert page.is_hidden(".search-more")
        assert page.inner_text(".search-status") == "25 articles for “harbour”."
        links = [a.get_attribute("href") for a in page.query_selector_all(".search-results a")]
        assert len(set(links)) == 25
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def test_the_index_is_only_what_the_site_publishes(served_site: ServedSite) -> None:
    bundle = {
        p.relative_to(served_site.root).as_posix()
        for p in Path(served_site.root, "pagefind").rglob("*")
        if p.is_file()
    }
    assert "pagefind/pagefind.js" in bundle
    assert not [f for f in bundle if f.endswith(("-ui.js", "-ui.css", "highlight.js"))]
