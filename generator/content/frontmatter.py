"""Front matter: the `---` fenced YAML block of an article, read into typed values.

Each field is read on its own; a bad value records a Problem with the line
of its key, so that one run reports every mistake of a file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from generator.content.dates import parse_date
from generator.content.slugs import slugify, unique_by_slug
from generator.errors import Problem
from generator.text import is_language_tag, printable
from generator.urls import is_web_url

_NOT_IN_SLUG = ("/", "\\", "%", "\0")
# Each field digest reads, with the other names other generators give it.
KNOWN_KEYS = frozenset(
    {
        "title",
        "date",
        "tags",
        "categories",
        "summary",
        "description",
        "id",
        "source",
        "author",
        "authors",  # Hugo: a list of names
        "updated",
        "lastmod",
        "draft",
        "published",  # Jekyll: false is a draft
        "publishDate",  # Hugo: not published before then
        "publishdate",
        "pubdate",
        "expiryDate",  # Hugo: not published from then on
        "expirydate",
        "expires",
        "section",  # a desk, as `categories`: apart from tags on a site with sections
        "url",  # the page's own URL, instead of the permalink's
        "slug",
        "aliases",
        "lang",  # the article's language, when it is not the site's (a BCP 47 tag)
        "image",  # the lead image: a path beside the article or in the site, or a URL
        "image_alt",  # its alternative text
    }
)
# Read, and kept for templates too: `layout: page` makes a standalone page.
LAYOUT = "layout"
_BY_FOLDED_NAME = {key.casefold(): key for key in KNOWN_KEYS}


@dataclass(frozen=True)
class Source:
    """Where a story came from: a name, a URL, or both."""

    name: str
    url: str | None = None


@functools.lru_cache(maxsize=1024)  # a site's own keys come back in every article
def misspelt_key(key: str) -> str | None:
    """The known field `key` looks like a misspelling of (`titel`, `Title`), or None."""
    if key in KNOWN_KEYS:
        return None
    if key.casefold() in _BY_FOLDED_NAME:
        return _BY_FOLDED_NAME[key.casefold()]
    close = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1, cutoff=0.8)
    return close[0] if close else None


class FieldReader:
    """Typed access to front matter values that records a Problem per bad field."""

    def __init__(self, path: str, meta: dict[str, Any], lines: dict[str, int]) -> None:
        self.path = path
        self.meta = meta
        self.lines = lines
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, self.lines.get(key, 1), message))

    def warn(self, key: str, message: str) -> None:
        self.warnings.append(Problem(self.path, self.lines.get(key, 1), message, True))

    def first(self, *keys: str) -> str:
        """The first of `keys` the front matter has (else the first of them): the name
        it gives a field that has several."""
        return next((key for key in keys if key in self.meta), keys[0])

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.meta.get(key)
        if value is None:
            if required:
                self.error(key, f"missing required field {key!r}")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(key, f"{key} must be text, got {type(value).__name__}")
            return None
        value = " ".join(printable(str(value)).split())
        if required and not value:
            self.error(key, f"{key} must not be empty")
        return value or None

    def language(self, key: str) -> str | None:
        """A BCP 47 language tag (ja, en-GB), or None if there is none."""
        value = self.text(key)
        if value is not None and not is_language_tag(value):
            self.error(key, f"{key} must be a language tag such as ja or en-GB, got {value!r}")
            return None
        return value

    def date(self, key: str, tz: ZoneInfo) -> dt.datetime | None:
        value = self.meta.get(key)
        if value is None:
            return None
        try:
            return parse_date(value, tz)
        except ValueError as exc:
            self.error(key, f"{key}: {exc}")
            return None

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.meta.get(key, default)
        if not isinstance(value, bool):
            self.error(key, f"{key} must be true or false, got {value!r}")
            return False
        return value

    def tags(self, key: str, spaced: bool = False) -> list[str]:
        """The names of a list, or of a comma-separated string; with `spaced`, a string
        without a comma is names separated by spaces, as Jekyll's `categories`."""
        value = self.meta.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = value.split() if spaced and "," not in value else value.split(",")
        if not isinstance(value, list) or not all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
        ):
            self.error(key, f"{key} must be a list of names or a comma-separated string")
            return []
        # NFC: a name typed with a combining accent is the same tag as one typed without
        names = [unicodedata.normalize("NFC", " ".join(printable(str(v)).split())) for v in value]
        for name in names:
            if name and not slugify(name):
                self.error(key, f"tag {name!r} has no letters or digits to make a URL from")
        return [name for name in names if name]

    def tag_set(self, *keys: str, kind: str = "tags") -> tuple[str, ...]:
        """The tags (or, `kind`, sections) of `keys` together, once each; two that are
        different names but make the same URL are an error, as across articles."""
        names = [name for key in keys for name in self.tags(key, spaced=key == "categories")]
        by_slug: dict[str, list[str]] = {}
        for name in names:
            spellings = by_slug.setdefault(slugify(name), [])
            if name.casefold() not in (known.casefold() for known in spellings):
                spellings.append(name)
        for slug, spellings in by_slug.items():
            if len(spellings) > 1:
                both = " and ".join(repr(name) for name in spellings)
                message = f"{kind} {both} make the same URL ({kind}/{slug}/); keep one of them"
                self.error(self.first(*keys), message)
        return unique_by_slug(names)

    def slug(self, key: str) -> str | None:
        raw = self.meta.get(key)
        if (isinstance(raw, str) and any(c in raw for c in _NOT_IN_SLUG)) or ".." in str(raw):
            message = f"slug must be one path segment without '/', '\\', '..', '%' or NUL: {raw!r}"
            self.error(key, message)
            return None
        value = self.text(key)
        if value is None:
            return None
        slug = slugify(value)
        if not slug:
            self.error(key, f"slug {value!r} has no letters or digits")
        return slug or None

    def aliases(self, key: str) -> tuple[str, ...]:
        """Old site-relative URLs of the article: `/2019/old-name/` -> `2019/old-name/`."""
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, f"{key} must be a list of paths such as /2019/old-name/")
            return ()
        urls, noun = [], "alias" if key == "aliases" else key
        for path in value:
            url = path.strip().lstrip("/")
            parts = url.split("/")
            if not url or "\\" in url or "\0" in url or "%" in url or "://" in path:
                self.error(key, f"{noun} {path!r} must be a path inside the site, like /2019/old/")
            elif any(part in (".", "..") for part in parts) or "" in parts[:-1]:
                self.error(key, f"{noun} {path!r} must not contain '.', '..' or '//'")
            else:
                urls.append(url if url.endswith("/") or "." in parts[-1] else url + "/")
        return tuple(urls)

    def names(self, key: str) -> tuple[str, ...]:
        """A name, or a list of names (Hugo's `authors`), each once."""
        value = self.meta.get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            names = [" ".join(printable(v).split()) for v in value]
            return self._named(key, tuple(dict.fromkeys(name for name in names if name)))
        if isinstance(value, list):
            self.error(key, f"{key} must be a name or a list of names")
            return ()
        name = self.text(key)
        return self._named(key, (name,) if name else ())

    def _named(self, key: str, names: tuple[str, ...]) -> tuple[str, ...]:
        """`names`, each of which must make a URL (an author's page)."""
        for name in names:
            if not slugify(name):
                self.error(key, f"name {name!r} has no letters or digits to make a URL from")
        return tuple(name for name in names if slugify(name))

    def url(self, key: str) -> str | None:
        """A site-relative URL of the article's own (`/about/` -> `about/`), or None."""
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip("/ "):
            self.error(key, f"{key} must be a path inside the site, like /about/")
            return None
        found = self.aliases(key)
        return found[0] if found else None

    def source(self, key: str) -> Source | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = " ".join(printable(value).split())
            if is_web_url(value):
                return Source(name=urlsplit(value).hostname or value, url=value)
            return Source(name=value) if value else None
        if isinstance(value, dict) and set(value) <= {"name", "url"}:
            name, url = value.get("name"), value.get("url")
            if (name is None or isinstance(name, str)) and (url is None or isinstance(url, str)):
                if url is not None and not is_web_url(url):
                    self.error(key, f"source url must be an http(s) URL, got {url!r}")
                    return None
                if name or url:
                    name = " ".join(printable(name or "").split())
                    return Source(name=name or urlsplit(url or "").hostname or "", url=url)
        self.error(key, "source must be a name, a URL, or a mapping with 'name' and 'url'")
        return None
