"""Every URL and output path of the site, in one place.

A page's `url` is site-relative and unquoted, such as `2025/03/12/slug/` or
`tags/north-korea/page/2/` ('' is the home page). `href` turns it into a
link for a page (root-relative, under the base path) and `absolute` into a
full URL for feeds, canonical links and the sitemap.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

TAGS = "tags/"
DIGESTS = "digest/"
ARCHIVE = "archive/"
SOURCES = "sources/"
AUTHORS = "authors/"
SECTIONS = "sections/"
SEARCH = "search/"
FEED_FILES = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}


@dataclass(frozen=True)
class Urls:
    """URL rules of one site, from its base URL and permalink pattern."""

    base_url: str
    permalink: str

    @functools.cached_property
    def base_path(self) -> str:
        """The path the site is published under: '/' or e.g. '/digest/'."""
        return urlsplit(self.base_url).path or "/"

    def article(self, date: dt.datetime, slug: str) -> str:
        path = self.permalink.format(
            year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}", slug=slug
        )
        return path.lstrip("/")

    def tag(self, slug: str) -> str:
        return f"{TAGS}{slug}/"

    def tags_index(self) -> str:
        return TAGS

    def digest(self, key: str) -> str:
        return f"{DIGESTS}{key}/"

    def digests_index(self) -> str:
        return DIGESTS

    def archive(self, year: int | None = None, month: int | None = None) -> str:
        if year is None:
            return ARCHIVE
        return f"{ARCHIVE}{year:04d}/" + ("" if month is None else f"{month:02d}/")

    def source(self, slug: str) -> str:
        return f"{SOURCES}{slug}/"

    def sources_index(self) -> str:
        return SOURCES

    def author(self, slug: str) -> str:
        return f"{AUTHORS}{slug}/"

    def authors_index(self) -> str:
        return AUTHORS

    def section(self, slug: str) -> str:
        return f"{SECTIONS}{slug}/"

    def sections_index(self) -> str:
        return SECTIONS

    def search(self) -> str:
        return SEARCH

    def feed(self, page: str, kind: str) -> str:
        """The feed of kind `rss`, `atom` or `json` for the list page at `page`."""
        return page + FEED_FILES[kind]

    def href(self, url: str) -> str:
        """A link to `url` for use inside the site's pages."""
        return self.base_path + _quoted(url)

    def absolute(self, url: str) -> str:
        """The full URL of `url`, for feeds, canonical links and sitemaps."""
        return self.base_url + _quoted(url)


def is_web_url(text: str) -> bool:
    """Whether `text` is an absolute http(s) URL with a host."""
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@functools.lru_cache(maxsize=1 << 16)  # pages link to the same few URLs over and over
def _quoted(url: str) -> str:
    return quote(url)


def paginated(url: str, number: int) -> str:
    """The URL of page `number` of the list at `url` (page 1 is `url` itself)."""
    return url if number == 1 else f"{url}page/{number}/"


def output_file(url: str) -> str:
    """The file that serves `url`: a folder URL is served by its index.html."""
    return url + "index.html" if url == "" or url.endswith("/") else url
