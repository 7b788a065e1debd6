"""Site + templates -> pages: which pages exist, what each template sees, and their keys.

This stage only reads the Site. Each page becomes an Output that renders
when the writer asks for it (see outputs.py), keyed on its template and
everything its template is given.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

import jinja2

from generator.content.articles import Article
from generator.errors import Problem, SiteError
from generator.incremental.keys import OutputKeys
from generator.settings.config import SiteConfig
from generator.site.assemble import Site
from generator.urls import Urls, output_file, paginated
from generator.write.outputs import Output, fixed_output

T = TypeVar("T")
SITEMAP_LIMIT = 50_000  # URLs in one sitemap file (sitemaps.org)
SITEMAP_XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"


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


class PageJob(NamedTuple):
    """A page to render: its template and what the template sees.

    A named tuple rather than a frozen dataclass: a build after an edit lists
    every page of the site, and a tuple is made three times as fast.
    """

    template: str
    url: str
    origin: str
    context: dict[str, Any]
    listed: bool = True
    shows: Sequence[Article] = ()  # the articles it lists, for its last modification

    @property
    def lastmod(self) -> dt.datetime | None:
        return newest(self.shows)


def page_outputs(site: Site, env: jinja2.Environment, keys: OutputKeys) -> list[Output]:
    """Every HTML page of the site, with its sitemap and robots.txt."""
    jobs = list(page_jobs(site))
    return [*job_outputs(jobs, site, env, keys), *sitemaps(jobs, site.urls), robots(site.urls)]


def job_outputs(
    jobs: Sequence[PageJob], site: Site, env: jinja2.Environment, keys: OutputKeys
) -> list[Output]:
    """The pages of `jobs`."""
    with template_errors():
        for template in sorted({job.template for job in jobs}):
            env.get_template(template)  # compiled once, here, before workers fork
            keys.template_stamp(template)  # and read, so that every worker sees one version
        return [
            Output(
                output_file(job.url),
                job.origin,
                functools.partial(keys.page_key, job.template, job.url, job.context),
                functools.partial(render_page, env, site.config, job),
            )
            for job in jobs
        ]


def render_page(env: jinja2.Environment, config: SiteConfig, job: PageJob) -> bytes:
    with template_errors():
        template = env.get_template(job.template)
        return template.render(site=config, url=job.url, **job.context).encode("utf-8")


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
        return PageJob(template, url, origin, context, listed=True, shows=tuple(shows))

    size, urls, makes = site.config.page_size, site.urls, site.config.makes
    latest = site.digests[0] if site.digests else None
    for pager in paginate(site.articles, size, ""):
        digest = latest if pager.number == 1 else None
        yield job(
            "list.html", pager.url, "home page", pager.items, pager=pager, latest_digest=digest
        )
    for article in site.articles:
        yield article_job(site, article)
    for tag in site.tags:
        for pager in paginate(tag.articles, size, tag.url):
            yield job(
                "list.html", pager.url, f"tag {tag.name!r}", pager.items, pager=pager, tag=tag
            )
    yield job("tags.html", urls.tags_index(), "tags index", site.articles, tags=site.tags)
    for digest in site.digests:
        yield job("digest.html", digest.url, f"digest {digest.key}", digest.articles, digest=digest)
    for digests in paginate(site.digests, size, urls.digests_index()) if makes("digests") else ():
        shows = [a for d in digests.items for a in d.articles]
        yield job("digests.html", digests.url, "digest index", shows, pager=digests)
    if makes("archive"):
        yield job("archive.html", urls.archive(), "archive", site.articles, years=site.archive)
    for year in site.archive:
        shows = [a for m in year.months for a in m.articles]
        yield job("archive.html", year.url, f"archive {year.year}", shows, year=year)
        for month in year.months:
            yield job(
                "archive.html", month.url, f"archive {month.url}", month.articles, month=month
            )
    if makes("sources"):
        yield job(
            "sources.html",
            urls.sources_index(),
            "sources index",
            site.articles,
            sources=site.sources,
        )
    for source in site.sources:
        for pager in paginate(source.articles, size, source.url):
            origin = f"source {source.name!r}"
            yield job("list.html", pager.url, origin, pager.items, pager=pager, source=source)
    for redirect in site.redirects:
        context = {"target": redirect.target}
        yield PageJob("redirect.html", redirect.url, redirect.origin, context, listed=False)
    yield PageJob("404.html", "404.html", "404 page", {}, listed=False)


def article_job(site: Site, article: Article) -> PageJob:
    """The page of `article`, with its place in `site`: its neighbours and related articles."""
    context = {"article": article, "links": site.links[article.path]}
    return PageJob("article.html", article.url, article.path, context, shows=(article,))


def newest(articles: Iterable[Article]) -> dt.datetime | None:
    """The newest date or update among `articles`, or None."""
    return max((a.updated or a.date for a in articles), default=None)


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
