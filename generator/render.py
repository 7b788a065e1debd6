"""Site + templates -> pages: each page is its URL, its bytes and its origin.

This stage only reads the Site; it decides which pages exist and what each
template sees, and leaves writing to write.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from xml.sax.saxutils import escape

import jinja2

from generator.content import Article
from generator.errors import Problem, SiteError
from generator.parallel import forked_map
from generator.site import Site
from generator.urls import Urls, output_file, paginated

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """One output file: where it goes, what it holds, and what it was made from.

    `listed` pages go into the sitemap, with `lastmod` when the page shows
    articles (their newest date).
    """

    url: str
    data: bytes
    origin: str
    listed: bool = False
    lastmod: dt.datetime | None = None

    @property
    def file(self) -> str:
        return output_file(self.url)


@dataclass(frozen=True)
class Pager(Generic[T]):
    """One page of a paginated list."""

    items: tuple[T, ...]
    number: int
    count: int
    url: str
    newer: str | None
    older: str | None


def paginate(items: Sequence[T], size: int, url: str) -> list[Pager[T]]:
    """Split `items` into pages of `size`; an empty list still has one page."""
    count = max(1, -(-len(items) // size))
    return [
        Pager(
            items=tuple(items[(n - 1) * size : n * size]),
            number=n,
            count=count,
            url=paginated(url, n),
            newer=paginated(url, n - 1) if n > 1 else None,
            older=paginated(url, n + 1) if n < count else None,
        )
        for n in range(1, count + 1)
    ]


@dataclass(frozen=True)
class PageJob:
    """A page to render: its template and what the template sees."""

    template: str
    url: str
    origin: str
    context: dict[str, Any]
    listed: bool = True
    lastmod: dt.datetime | None = None


def render_site(site: Site, env: jinja2.Environment, jobs: int = 1) -> list[Page]:
    """Every HTML page of the site, with its sitemap and robots.txt, over `jobs` processes."""
    work = list(page_jobs(site))

    def render(index: int) -> bytes:
        job = work[index]
        html = env.get_template(job.template).render(site=site.config, url=job.url, **job.context)
        return html.encode("utf-8")

    with template_errors():
        rendered = forked_map(render, len(work), jobs)
    pages = [
        Page(j.url, data, j.origin, j.listed, j.lastmod)
        for j, data in zip(work, rendered, strict=True)
    ]
    return [*pages, sitemap(pages, site.urls), robots(site.urls)]


@contextmanager
def template_errors() -> Iterator[None]:
    """Report a broken template as a SiteError naming its file and line."""
    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or "layouts"
        raise SiteError([Problem(where, exc.lineno, exc.message or "")]) from None
    except jinja2.TemplateError as exc:
        raise SiteError([Problem("layouts", None, f"template error: {exc}")]) from exc


def page_jobs(site: Site) -> Iterator[PageJob]:
    """Every HTML page of the site, in a stable order."""

    def job(
        template: str, url: str, origin: str, shows: Iterable[Article], **context: Any
    ) -> PageJob:
        return PageJob(template, url, origin, context, listed=True, lastmod=newest(shows))

    size, urls = site.config.page_size, site.urls
    latest = site.digests[0] if site.digests else None
    for pager in paginate(site.articles, size, ""):
        digest = latest if pager.number == 1 else None
        yield job(
            "list.html", pager.url, "home page", pager.items, pager=pager, latest_digest=digest
        )
    for article in site.articles:
        links = site.links[article.path]
        yield job(
            "article.html", article.url, article.path, [article], article=article, links=links
        )
    for tag in site.tags:
        for pager in paginate(tag.articles, size, tag.url):
            yield job(
                "list.html", pager.url, f"tag {tag.name!r}", pager.items, pager=pager, tag=tag
            )
    yield job("tags.html", urls.tags_index(), "tags index", site.articles, tags=site.tags)
    for digest in site.digests:
        yield job("digest.html", digest.url, f"digest {digest.key}", digest.articles, digest=digest)
    for digests in paginate(site.digests, size, urls.digests_index()):
        shows = [a for d in digests.items for a in d.articles]
        yield job("digests.html", digests.url, "digest index", shows, pager=digests)
    yield job("archive.html", urls.archive(), "archive", site.articles, years=site.archive)
    for year in site.archive:
        shows = [a for m in year.months for a in m.articles]
        yield job("archive.html", year.url, f"archive {year.year}", shows, year=year)
        for month in year.months:
            yield job(
                "archive.html", month.url, f"archive {month.url}", month.articles, month=month
            )
    yield job(
        "sources.html", urls.sources_index(), "sources index", site.articles, sources=site.sources
    )
    for source in site.sources:
        for pager in paginate(source.articles, size, source.url):
            origin = f"source {source.name!r}"
            yield job("list.html", pager.url, origin, pager.items, pager=pager, source=source)
    for redirect in site.redirects:
        context = {"target": redirect.target}
        yield PageJob("redirect.html", redirect.url, redirect.origin, context, listed=False)
    yield PageJob("404.html", "404.html", "404 page", {}, listed=False)


def newest(articles: Iterable[Article]) -> dt.datetime | None:
    """The newest date or update among `articles`, or None."""
    return max((a.updated or a.date for a in articles), default=None)


def sitemap(pages: Iterable[Page], urls: Urls) -> Page:
    """sitemap.xml: every listed page, with its last modification when known."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for page in sorted((p for p in pages if p.listed), key=lambda p: p.url):
        lastmod = f"<lastmod>{page.lastmod.isoformat()}</lastmod>" if page.lastmod else ""
        lines.append(f"  <url><loc>{escape(urls.absolute(page.url))}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return Page("sitemap.xml", "\n".join(lines).encode("utf-8"), "sitemap")


def robots(urls: Urls) -> Page:
    """robots.txt: everything may be crawled; here is the sitemap."""
    text = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('sitemap.xml')}\n"
    return Page("robots.txt", text.encode("utf-8"), "robots.txt")
