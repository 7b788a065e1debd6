"""Every kind of HTML page, each one function of the site; `PAGE_KINDS` lists them in the
order the site's pages are planned.

A new kind of page is a function here that yields the PageJobs of a site
and an entry in `PAGE_KINDS`, and a template in the theme.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from generator.content.model import Article
from generator.pages.jobs import PageJob, paginate
from generator.site.archive import SourcePage
from generator.site.model import Author, Section, Site, Tag

# What a list page may be the page of.
Listed = Tag | SourcePage | Author | Section


def page_jobs(site: Site) -> Iterator[PageJob]:
    """Every HTML page of the site, in a stable order."""
    for kind in PAGE_KINDS:
        yield from kind(site)


# What a template that makes several kinds of page is told of the kinds it is not
# making: None, so that a theme can ask `{% if tag %}` with `strict_templates` on.
_OTHER_KINDS = {
    "list.html": {
        "tag": None,
        "source": None,
        "author": None,
        "section": None,
        "latest_digest": None,
    },
    "archive.html": {"years": None, "year": None, "month": None},
}


def _job(template: str, url: str, origin: str, shows: Iterable[Article], **context: Any) -> PageJob:
    """A listed page (in the sitemap) that shows `shows`."""
    context = {**_OTHER_KINDS.get(template, {}), **context}
    return PageJob(template, url, origin, context, listed=True, shows=tuple(shows))


def home_pages(site: Site) -> Iterator[PageJob]:
    """The home page, paginated; its first page shows the latest digest."""
    latest = site.digests[0] if site.digests else None
    for pager in paginate(site.articles, site.config.page_size, ""):
        digest = latest if pager.number == 1 else None
        yield _job(
            "list.html", pager.url, "home page", pager.items, pager=pager, latest_digest=digest
        )


def article_pages(site: Site) -> Iterator[PageJob]:
    for article in site.articles:
        yield article_job(site, article)


def article_job(site: Site, article: Article) -> PageJob:
    """The page of `article`, with its place in `site`: its neighbours and related
    articles; or, for a standalone page, the page alone."""
    if article.page:
        return page_job(article)
    context = {"article": article, "links": site.links[article.path]}
    return PageJob("article.html", article.url, article.path, context, shows=(article,))


def standalone_pages(site: Site) -> Iterator[PageJob]:
    for page in site.pages:
        yield page_job(page)


def page_job(page: Article) -> PageJob:
    """A standalone page: in the sitemap, with its last change if it gives a date."""
    shows = (page,) if page.dated or page.updated else ()
    return PageJob("page.html", page.url, page.path, {"page": page}, shows=shows)


def tag_pages(site: Site) -> Iterator[PageJob]:
    yield from _list_pages(site, "tag", site.tags)


def tags_index(site: Site) -> Iterator[PageJob]:
    yield _job("tags.html", site.urls.tags_index(), "tags index", site.articles, tags=site.tags)


def digest_pages(site: Site) -> Iterator[PageJob]:
    for digest in site.digests:
        yield _job(
            "digest.html", digest.url, f"digest {digest.key}", digest.articles, digest=digest
        )


def digest_index(site: Site) -> Iterator[PageJob]:
    if not site.config.makes("digests"):
        return
    for digests in paginate(site.digests, site.config.page_size, site.urls.digests_index()):
        shows = [a for d in digests.items for a in d.articles]
        yield _job("digests.html", digests.url, "digest index", shows, pager=digests)


def archive_pages(site: Site) -> Iterator[PageJob]:
    """The archive, and a page per year and month."""
    if site.config.makes("archive"):
        yield _job(
            "archive.html", site.urls.archive(), "archive", site.articles, years=site.archive
        )
    for year in site.archive:
        shows = [a for m in year.months for a in m.articles]
        yield _job("archive.html", year.url, f"archive {year.year}", shows, year=year)
        for month in year.months:
            yield _job(
                "archive.html", month.url, f"archive {month.url}", month.articles, month=month
            )


def sources_index(site: Site) -> Iterator[PageJob]:
    if site.config.makes("sources"):
        url = site.urls.sources_index()
        yield _job("sources.html", url, "sources index", site.articles, sources=site.sources)


def source_pages(site: Site) -> Iterator[PageJob]:
    yield from _list_pages(site, "source", site.sources)


def author_pages(site: Site) -> Iterator[PageJob]:
    yield from _list_pages(site, "author", site.authors)


def authors_index(site: Site) -> Iterator[PageJob]:
    """Every author with their bio and number of articles, if the site has any."""
    if site.authors:
        url = site.urls.authors_index()
        yield _job("authors.html", url, "authors index", site.articles, authors=site.authors)


def section_pages(site: Site) -> Iterator[PageJob]:
    yield from _list_pages(site, "section", site.sections)


def _list_pages(site: Site, kind: str, groups: Iterable[Listed]) -> Iterator[PageJob]:
    """The pages of each tag, source, author or section in `groups`, `kind` of them:
    its articles, paginated, with the group as the variable `kind` of list.html."""
    for group in groups:
        origin = f"{kind} {group.name!r}"
        for pager in paginate(group.articles, site.config.page_size, group.url):
            context = {"pager": pager, kind: group}
            yield _job("list.html", pager.url, origin, pager.items, **context)


def sections_index(site: Site) -> Iterator[PageJob]:
    if site.sections:
        url = site.urls.sections_index()
        yield _job("sections.html", url, "sections index", site.articles, sections=site.sections)


def redirect_pages(site: Site) -> Iterator[PageJob]:
    """A page at each old URL (article aliases, aliased tags), not in the sitemap."""
    for redirect in site.redirects:
        context = {"target": redirect.target}
        yield PageJob("redirect.html", redirect.url, redirect.origin, context, listed=False)


def search_page(site: Site) -> Iterator[PageJob]:
    """The search page, if the site has one: a form, and the script that searches the
    index (see search/); it shows no article itself, and is not in the sitemap."""
    if site.config.makes("search"):
        yield PageJob("search.html", site.urls.search(), "search page", {}, listed=False)


def not_found_page(site: Site) -> Iterator[PageJob]:
    yield PageJob("404.html", "404.html", "404 page", {}, listed=False)


PAGE_KINDS: tuple[Callable[[Site], Iterable[PageJob]], ...] = (
    home_pages,
    article_pages,
    standalone_pages,
    tag_pages,
    tags_index,
    digest_pages,
    digest_index,
    archive_pages,
    sources_index,
    source_pages,
    authors_index,
    author_pages,
    sections_index,
    section_pages,
    search_page,
    redirect_pages,
    not_found_page,
)
