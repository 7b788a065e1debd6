"""Site + templates -> pages: each page is its URL, its bytes and its origin.

This stage only reads the Site; it decides which pages exist and what each
template sees, and leaves writing to write.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import jinja2

from generator.errors import Problem, SiteError
from generator.site import Site
from generator.urls import output_file, paginated

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """One output file: where it goes, what it holds, and what it was made from."""

    url: str
    data: bytes
    origin: str

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


def render_site(site: Site, env: jinja2.Environment) -> list[Page]:
    """Every HTML page of the site."""
    try:
        return list(_pages(site, env))
    except jinja2.TemplateSyntaxError as exc:
        raise SiteError(
            [Problem(exc.filename or exc.name or "layouts", exc.lineno, exc.message or "")]
        ) from None
    except jinja2.TemplateError as exc:
        raise SiteError([Problem("layouts", None, f"template error: {exc}")]) from exc


def _pages(site: Site, env: jinja2.Environment) -> Iterator[Page]:
    def page(template: str, url: str, origin: str, **context: Any) -> Page:
        html = env.get_template(template).render(site=site.config, url=url, **context)
        return Page(url=url, data=html.encode("utf-8"), origin=origin)

    size = site.config.page_size
    for pager in paginate(site.articles, size, ""):
        yield page("list.html", pager.url, "home page", pager=pager, tag=None)
    for article in site.articles:
        yield page("article.html", article.url, article.path, article=article)
    for tag in site.tags:
        for pager in paginate(tag.articles, size, tag.url):
            yield page("list.html", pager.url, f"tag {tag.name!r}", pager=pager, tag=tag)
    yield page("tags.html", site.urls.tags_index(), "tags index", tags=site.tags)
    yield page("404.html", "404.html", "404 page")
