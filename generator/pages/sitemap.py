"""sitemap.xml (an index of sitemaps past 50,000 pages) and robots.txt."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence

from generator.outputs import Output, fixed_output
from generator.pages.jobs import PageJob
from generator.urls import Urls

SITEMAP_LIMIT = 50_000  # URLs in one sitemap file (sitemaps.org)
SITEMAP_XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemaps(pages: Iterable[PageJob], urls: Urls) -> list[Output]:
    """sitemap.xml: every listed page, with its last modification when known.

    A sitemap holds at most 50,000 URLs; a bigger site gets sitemap-1.xml,
    sitemap-2.xml, ... and sitemap.xml becomes their index.
    """
    # Each page's last modification worked out once: it looks at every article shown.
    listed = sorted(((p.url, p.lastmod) for p in pages if p.listed), key=lambda entry: entry[0])
    if len(listed) <= SITEMAP_LIMIT:
        return [_sitemap("sitemap.xml", listed, urls)]
    parts = [listed[i : i + SITEMAP_LIMIT] for i in range(0, len(listed), SITEMAP_LIMIT)]
    files = [_sitemap(f"sitemap-{n}.xml", part, urls) for n, part in enumerate(parts, 1)]
    newest = [max((moment for _, moment in part if moment), default=None) for part in parts]
    entries = [(f.file, moment) for f, moment in zip(files, newest, strict=True)]
    lines = [f"  <sitemap>{_location(file, moment, urls)}</sitemap>" for file, moment in entries]
    return [*files, _xml_output("sitemap.xml", "sitemapindex", lines)]


def _sitemap(file: str, pages: Sequence[tuple[str, dt.datetime | None]], urls: Urls) -> Output:
    lines = [f"  <url>{_location(url, lastmod, urls)}</url>" for url, lastmod in pages]
    return _xml_output(file, "urlset", lines)


def _location(url: str, lastmod: dt.datetime | None, urls: Urls) -> str:
    moment = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
    return f"<loc>{html.escape(urls.absolute(url), quote=False)}</loc>{moment}"


def _xml_output(file: str, root: str, lines: list[str]) -> Output:
    declaration = '<?xml version="1.0" encoding="UTF-8"?>'
    text = "\n".join([declaration, f'<{root} xmlns="{SITEMAP_XMLNS}">', *lines, f"</{root}>", ""])
    return fixed_output(file, "sitemap", text.encode("utf-8"))


def robots(urls: Urls) -> Output:
    """robots.txt: everything may be crawled; here is the sitemap."""
    text = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('sitemap.xml')}\n"
    return fixed_output("robots.txt", "robots.txt", text.encode("utf-8"))
