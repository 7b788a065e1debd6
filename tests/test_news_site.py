"""The news-digest layer, built by the real CLI: digests, archives, sources, redirects, metadata."""

from __future__ import annotations

import functools
import html as html_module
import http.server
import json
import re
import shutil
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from conftest import REPO, SiteMaker, article, parse_feed, run_digest
from sitecheck import broken_links, links_of

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://news.example.org/"


def page(out: Path, url: str) -> str:
    return (out / url / "index.html").read_text()


def test_daily_digest_groups_by_main_tag_with_neighbours(sample: Path) -> None:
    html = page(sample, "digest/2025-03-12")
    assert "<h1>Wednesday 12 March 2025</h1>" in html
    headings = re.findall(r'<h2><a href="/tags/([^/]+)/">', html)
    assert headings == ["china", "north-korea", "russia"]
    assert "Source: asianews.network" in html
    assert '<a href="/digest/2025-03-13/" rel="next">' in html
    assert '<a href="/digest/2025-03-11/" rel="prev">' in html
    index = page(sample, "digest")
    keys = re.findall(r'<h2><a href="/digest/(\d{4}-\d\d-\d\d)/">', index)
    assert keys == ["2025-03-14", "2025-03-13", "2025-03-12", "2025-03-11", "2025-03-10"][:5]


def test_home_page_shows_the_latest_digest_above_the_articles(sample: Path) -> None:
    home = (sample / "index.html").read_text()
    assert 'Latest digest: <a href="/digest/2025-03-14/">Friday 14 March 2025</a>' in home
    assert home.index("latest-digest") < home.index('class="card"')
    assert "latest-digest" not in (sample / "page/2/index.html").read_text()


def test_digest_feed_has_one_item_per_day_with_the_whole_digest(sample: Path) -> None:
    feed = parse_feed(sample / "digest/feed.xml")
    assert [e.link for e in feed.entries] == [
        f"{BASE}digest/2025-03-{day}/" for day in ("14", "13", "12", "11", "10")
    ]
    assert feed.entries[2].id == "tag:news.example.org,2025-03-12:digest/2025-03-12"
    content = feed.entries[2].content[0].value
    assert content.count("<li ") == 3
    assert f'href="{BASE}2025/03/12/north-korea-enhances-military-ties' in content
    atom = parse_feed(sample / "digest/atom.xml")
    assert [e.id for e in atom.entries] == [e.id for e in feed.entries]


def test_archive_pages_with_counts(sample: Path) -> None:
    index = page(sample, "archive")
    assert '<a href="/archive/2025/">2025</a> <span class="count">11</span>' in index
    assert '<a href="/archive/2025/03/">March</a> <span class="count">11</span>' in index
    month = page(sample, "archive/2025/03")
    assert "<h1>March 2025</h1>" in month and month.count("</time></li>") == 11


def test_sources_index_and_attribution(sample: Path) -> None:
    index = page(sample, "sources")
    assert (
        '<a href="/sources/asianews-network/">asianews.network</a> <span class="count">1</span>'
        in index
    )
    assert "North Korea Enhances" in page(sample, "sources/asianews-network")
    seed = page(
        sample, "2025/03/12/north-korea-enhances-military-ties-with-russia-amid-troop-deployments"
    )
    # With search on, the source is also the index's filter (see test_search.py).
    assert '<span class="source" data-pagefind-filter="source[data-name]" ' in seed
    assert ' data-name="asianews.network">Source: asianews.network</span>' in seed
    linked = page(
        sample, "2025/03/14/ukraines-partners-discuss-air-defense-deliveries-at-brussels-meeting"
    )
    assert re.search(
        r'Source: <a href="https://example\.com/[^"]+" rel="nofollow noopener">', linked
    )


def test_article_page_navigation_reading_time_and_related(sample: Path) -> None:
    html = page(
        sample, "2025/03/12/north-korea-enhances-military-ties-with-russia-amid-troop-deployments"
    )
    assert "· 2 min read" in html
    related = html.split('id="related-heading"')[1].split("</section>")[0]
    assert [html_module.unescape(t) for t in re.findall(r"<li><a [^>]+>([^<]+)</a>", related)] == [
        "Ukraine's Partners Discuss Air Defense Deliveries at Brussels Meeting",  # 2 shared, newest
        "North Korea Fires Several Cruise Missiles Off West Coast, Seoul Says",  # 2 shared
        "Russia and China Review Progress on Energy Projects",  # 1 shared
    ]
    assert 'rel="prev">← North Korea Fires Several Cruise Missiles' in html
    assert 'rel="next">Satellite Imagery Shows Expansion' in html


def test_tag_alias_lands_on_the_canonical_tag_and_redirects(sample: Path) -> None:
    tag_page = page(sample, "tags/north-korea")
    assert "North Korea Fires Several Cruise Missiles" in tag_page
    # the old feed goes on with the canonical tag's items (a reader follows no redirect page)
    old_feed = (sample / "tags/dprk/feed.xml").read_text(encoding="utf-8")
    assert "North Korea Fires Several Cruise Missiles" in old_feed
    redirect = page(sample, "tags/dprk")
    assert '<meta http-equiv="refresh" content="0; url=/tags/north-korea/">' in redirect
    assert f'<link rel="canonical" href="{BASE}tags/north-korea/">' in redirect
    titles = [e.title for e in parse_feed(sample / "tags/north-korea/feed.xml").entries]
    assert "North Korea Fires Several Cruise Missiles Off West Coast, Seoul Says" in titles


def test_every_page_has_search_and_sharing_metadata(sample: Path) -> None:
    for path in sample.rglob("*.html"):
        html = path.read_text()
        if 'http-equiv="refresh"' in html:
            continue
        assert re.search(r'<meta name="description" content="[^"]+">', html), path
        for tag in ['property="og:title"', 'property="og:description"', 'name="twitter:card"']:
            assert tag in html, (path, tag)
        if path.name != "404.html":
            folder = path.parent.relative_to(sample).as_posix()
            url = BASE + ("" if folder == "." else quote(folder) + "/")
            assert f'<link rel="canonical" href="{url}">' in html, path


def json_ld(html: str) -> dict[str, object]:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    data: dict[str, object] = json.loads(block)
    return data


def test_article_json_ld_is_a_news_article(sample: Path) -> None:
    html = page(sample, "2025/03/12/russia-and-china-review-progress-on-energy-projects")
    data = json_ld(html)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Russia and China Review Progress on Energy Projects"
    assert data["datePublished"] == "2025-03-12T17:10:00+03:00"
    assert data["dateModified"] == "2025-03-13T10:25:00+03:00"
    assert data["keywords"] == "Russia, China, Energy, Trade"
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Korea & Region Briefing",
        "url": BASE,
    }
    assert '<meta property="og:type" content="article">' in html


def test_hostile_title_cannot_break_out_of_json_ld(make_site: SiteMaker) -> None:
    title = '</script><script>alert(1)</script>"><img src=x onerror=alert(1)>'
    site = make_site({"content/a.md": article("x", slug="hostile", id="h")})
    (site / "content/a.md").write_text(
        f"---\ntitle: {json.dumps(title)}\ndate: 2025-03-12\nid: h\nslug: hostile\n---\nBody\n"
    )
    assert run_digest("build", "--site", site).returncode == 0
    html = (site / "output/2025/03/12/hostile/index.html").read_text()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert json_ld(html)["headline"] == title
    assert 'content="&lt;/script&gt;&lt;script&gt;alert(1)' in html


def test_sitemap_lists_every_page_with_lastmod_and_robots_points_to_it(sample: Path) -> None:
    root = ElementTree.fromstring((sample / "sitemap.xml").read_bytes())
    entries = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    pages = set()
    for path in sample.rglob("index.html"):
        # Not in the sitemap: redirects, and the search page (a form, no content).
        if 'http-equiv="refresh"' not in path.read_text() and path.parent.name != "search":
            relative = path.parent.relative_to(sample).as_posix()
            pages.add(BASE + ("" if relative == "." else relative + "/"))
    assert {unquote(url) for url in entries} == pages
    assert all(entries.values())
    assert entries[BASE + "2025/03/12/russia-and-china-review-progress-on-energy-projects/"] == (
        "2025-03-13T10:25:00+03:00"
    )
    robots = (sample / "robots.txt").read_text()
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_moved_article_leaves_a_redirect_and_duplicates_warn(make_site: SiteMaker) -> None:
    files = {
        "content/a.md": article("Talks Resume", id="a", aliases="[/2019/old-talks/, /talks.html]"),
        "content/b.md": article("Talks resume!", date="2025-03-13", id="b"),
    }
    site = make_site(files)
    result = run_digest("build", "--site", site)
    assert result.returncode == 0, result.stderr
    assert "content/a.md: warning: possible duplicate of content/b.md (same title" in result.stderr
    for old in ["2019/old-talks/index.html", "talks.html"]:
        html = (site / "output" / old).read_text()
        assert '<meta http-equiv="refresh" content="0; url=/2025/03/12/talks-resume/">' in html
        assert '<link rel="canonical" href="https://example.org/2025/03/12/talks-resume/">' in html
    sitemap = (site / "output/sitemap.xml").read_text()
    assert "old-talks" not in sitemap and "talks-resume" in sitemap


@pytest.mark.parametrize("bad", ["/../x/", "https://elsewhere.example/", "/a//b/"])
def test_alias_outside_the_site_is_refused(make_site: SiteMaker, bad: str) -> None:
    site = make_site({"content/a.md": article("A", id="a", aliases=f"[{json.dumps(bad)}]")})
    result = run_digest("build", "--site", site)
    assert result.returncode == 1
    assert "content/a.md:5: alias" in result.stderr


@pytest.fixture
def served_under_sub_path(tmp_path: Path) -> Iterator[str]:
    """The sample site built for a sub-path, served by http.server below that sub-path."""
    root = tmp_path / "www"
    base = "/briefing/"
    result = run_digest(
        "build",
        "--site",
        REPO,
        "--output",
        root / "briefing",
        "--base-url",
        "https://example.github.io/briefing/",
    )
    assert result.returncode == 0, result.stderr
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{base}"
    finally:
        server.shutdown()
        server.server_close()


def test_every_internal_link_answers_under_a_sub_path(served_under_sub_path: str) -> None:
    start = served_under_sub_path
    origin = start.split("/briefing/")[0]
    seen, queue, broken = {start}, [start], []
    while queue:
        url = queue.pop()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            broken.append(f"{url}: {exc.code}")
            continue
        if kind != "text/html":
            continue
        for link in links_of(body.decode()):
            if link.startswith(("http://", "https://", "#", "mailto:")):
                continue
            assert link.startswith("/briefing/"), f"{url} links outside the sub-path: {link}"
            target = origin + link.split("#")[0]
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert broken == []
    assert len(seen) > 60


def build_sample_without(tmp_path: Path, kinds: list[str]) -> Path:
    """The sample site built with `disable: kinds` added to its site.yaml."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    # Without its menu, which links to the pages left out.
    config = re.sub(r"^menu:\n(?:  .*\n)+", "", (REPO / "site.yaml").read_text(), flags=re.M)
    (site / "site.yaml").write_text(f"{config}\ndisable: [{', '.join(kinds)}]\n")
    result = run_digest("build", "--site", site)
    assert result.returncode == 0, result.stderr
    return site / "output"


def test_a_site_can_leave_out_digests_archive_sources_and_feed_formats(tmp_path: Path) -> None:
    out = build_sample_without(tmp_path, ["digests", "archive", "sources", "atom", "json"])
    made = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert not any(f.startswith(("digest/", "archive/", "sources/")) for f in made)
    assert not any(f.endswith(("atom.xml", "feed.json")) for f in made)
    assert {"index.html", "tags/index.html", "feed.xml", "sitemap.xml"} <= made
    tag_feeds = [f for f in made if f.startswith("tags/") and f.endswith("/feed.xml")]
    assert len(tag_feeds) > 10
    assert all(feed.replace("feed.xml", "index.html") in made for feed in tag_feeds)
    for feed in ["feed.xml", *tag_feeds]:
        parsed = parse_feed(out / feed)
        assert parsed.version == "rss20" and parsed.entries
    assert broken_links(out, BASE) == []
    pages = [(out / f).read_text() for f in made if f.endswith(".html")]
    left_out = ("/digest/", "/archive/", "/sources/", "atom.xml", "feed.json")
    assert not [link for html in pages for link in links_of(html) if link.endswith(left_out)]
    home = (out / "index.html").read_text()
    assert "Latest digest" not in home and "one item per digest" not in home
    assert '<p class="subscribe">Subscribe: <a href="/feed.xml">RSS</a></p>' in home
    sitemap = (out / "sitemap.xml").read_text()
    assert "/digest/" not in sitemap and "/archive/" not in sitemap and "/sources/" not in sitemap


def test_a_site_without_feeds_links_to_none(tmp_path: Path) -> None:
    out = build_sample_without(tmp_path, ["rss", "atom", "json"])
    made = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    feeds = [f for f in made if f.endswith((".xml", ".json")) and not f.startswith("pagefind/")]
    assert feeds == ["sitemap.xml"]
    assert {"digest/index.html", "archive/index.html", "sources/index.html"} <= made
    assert broken_links(out, BASE) == []
    for file in made:
        if file.endswith(".html"):
            html = (out / file).read_text()
            assert 'rel="alternate"' not in html and 'class="subscribe"' not in html, file
