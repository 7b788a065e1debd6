"""Reading content/: Markdown files with YAML front matter -> Article values.

Each file is read and checked on its own; every problem in every file is
collected so that one run reports them all.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from generator.config import SiteConfig
from generator.dates import date_from_filename, parse_date
from generator.errors import Problem, SiteError
from generator.markup import MarkdownRenderer, first_paragraph_text
from generator.slugs import slugify, unique_by_slug
from generator.text import printable
from generator.urls import Urls
from generator.yamlfile import YamlError, load_mapping

ARTICLE_SUFFIX = ".md"
_FENCE = re.compile(r"---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_NOT_IN_SLUG = ("/", "\\", "%", "\0")
_ID_NAMESPACE = uuid.UUID("6f1c1f2e-6d1a-4d55-9a0e-3c1f0d9b7a10")
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
        "updated",
        "lastmod",
        "draft",
        "slug",
        "aliases",
    }
)


@dataclass(frozen=True)
class Source:
    """Where a story came from: a name, a URL, or both."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Article:
    """One article, fully read; nothing about it changes after loading."""

    path: str
    title: str
    date: dt.datetime
    updated: dt.datetime | None
    tags: tuple[str, ...]
    summary: str
    id: str
    id_pinned: bool
    source: Source | None
    author: str | None
    draft: bool
    slug: str
    url: str
    body_html: str
    words: int
    aliases: tuple[str, ...]
    extra: Mapping[str, Any]

    @property
    def folder(self) -> str:
        """The article's folder relative to content/ ('' at the top)."""
        parent = str(PurePosixPath(self.path).parent.relative_to("content"))
        return "" if parent == "." else parent

    @property
    def is_uuid(self) -> bool:
        return bool(_UUID.match(self.id))

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the body at 220 words a minute, at least 1."""
        return max(1, round(self.words / 220))


@dataclass(frozen=True)
class LoadedContent:
    """Everything read from content/: articles, other files, warnings."""

    articles: tuple[Article, ...]
    assets: tuple[str, ...]
    warnings: tuple[Problem, ...]


Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """A progress report that shows nothing."""


def load_content(
    site_dir: Path,
    config: SiteConfig,
    urls: Urls,
    renderer: MarkdownRenderer,
    progress: Progress = no_progress,
) -> LoadedContent:
    """Read every article under `site_dir/content`; raise SiteError listing all problems."""
    root = site_dir / "content"
    if not root.is_dir():
        raise SiteError([Problem("content", None, f"no content/ folder in {site_dir}")])
    articles: list[Article] = []
    assets: list[str] = []
    problems: list[Problem] = []
    files = content_files(root, problems)
    for done, path in enumerate(files):
        progress("reading", done, len(files))
        relative = path.relative_to(site_dir).as_posix()
        if path.suffix != ARTICLE_SUFFIX:
            assets.append(path.relative_to(root).as_posix())
            continue
        text = read_article_file(path, relative, config.max_article_bytes, problems)
        if text is not None:
            article, found = parse_article(relative, text, config.tz, urls, renderer)
            problems.extend(found)
            if article is not None:
                articles.append(article)
    errors = [p for p in problems if not p.warning]
    if errors:
        raise SiteError(errors)
    warnings = tuple(p for p in problems if p.warning)
    return LoadedContent(tuple(articles), tuple(assets), warnings)


def content_files(root: Path, problems: list[Problem]) -> list[Path]:
    """Files under `root` in a stable order, without hidden ones.

    A symbolic link is followed only to a file inside `root`; any other link
    is skipped with a warning, so nothing outside content/ is ever published.
    """
    found = []
    top = root.resolve()
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        for name in [d for d in dirs if (here / d).is_symlink() and not d.startswith(".")]:
            where = (here / name).relative_to(root.parent).as_posix()
            problems.append(Problem(where, None, "skipped: a link to a folder", warning=True))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(files):
            path = here / name
            if name.startswith("."):
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(top):
                where = path.relative_to(root.parent).as_posix()
                message = "skipped: a link to a file outside content/"
                problems.append(Problem(where, None, message, warning=True))
                continue
            if path.is_file():
                found.append(path)
    return sorted(found)


def read_article_file(path: Path, relative: str, limit: int, problems: list[Problem]) -> str | None:
    """The text of an article file, or None after recording why it cannot be used."""
    size = path.stat().st_size
    if size > limit:
        message = f"file is {size:,} bytes, over the limit of {limit:,} (max_article_bytes)"
        problems.append(Problem(relative, None, message))
        return None
    data = path.read_bytes()
    if b"\0" in data:
        problems.append(Problem(relative, None, "binary file, not a Markdown article"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(relative, None, f"not UTF-8 text (byte {exc.start})"))
        return None


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split a file into (front matter, body, line number where the body starts).

    Raises ValueError when the file does not open with a `---` fenced block.
    """
    text = text.removeprefix("\ufeff")
    opening = _FENCE.match(text)
    if opening is None:
        raise ValueError("no front matter: the file must start with a line '---'")
    closing = _CLOSE.search(text, opening.end())
    if closing is None:
        raise ValueError("front matter is not closed by a line '---'")
    meta = text[opening.end() : closing.start()]
    body = text[closing.end() :].lstrip("\r\n")
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    return meta, body, body_line


def parse_article(
    path: str, text: str, tz: ZoneInfo, urls: Urls, renderer: MarkdownRenderer
) -> tuple[Article | None, list[Problem]]:
    """Read one article; return it (None if unusable) and its problems.

    Problems marked as warnings do not stop the build.
    """
    try:
        meta_text, body, _ = split_front_matter(text)
        meta, lines = load_mapping(meta_text)
    except YamlError as exc:
        line = exc.line + 1 if exc.line is not None else None  # +1 for the opening '---'
        return None, [Problem(path, line, str(exc))]
    except ValueError as exc:
        return None, [Problem(path, 1, str(exc))]
    reader = _FieldReader(path, meta, {k: v + 1 for k, v in lines.items()})
    name = PurePosixPath(path).name

    title = reader.text("title", required=True)
    date = reader.date("date", tz) or date_from_filename(name, tz)
    if date is None and meta.get("date") is None:
        reader.error("date", "missing required field 'date' (or a YYYY-MM-DD- file name prefix)")
    updated = reader.date("updated", tz) or reader.date("lastmod", tz)
    tags = reader.tags("tags") + reader.tags("categories")
    summary = reader.text("summary") or reader.text("description")
    source = reader.source("source")
    author = reader.text("author")
    draft = reader.flag("draft")
    slug = reader.slug("slug")
    explicit_id = reader.text("id")
    aliases = reader.aliases("aliases")
    if reader.problems or title is None or date is None:
        return None, reader.problems

    folder = str(PurePosixPath(path).parent.relative_to("content"))
    body_html = renderer.render(printable(body), "" if folder == "." else folder)
    warnings: list[Problem] = []
    article_id = explicit_id or derived_id(path)
    if explicit_id is None:
        warnings.append(
            Problem(path, 1, f"no 'id'; using {article_id}, add 'id: {article_id}' to pin it", True)
        )
    slug = slug or slugify(title) or slugify(PurePosixPath(path).stem) or article_id[:8]
    article = Article(
        path=path,
        title=title,
        date=date,
        updated=updated,
        tags=unique_by_slug(tags),
        summary=summary or first_paragraph_text(body_html),
        id=article_id,
        id_pinned=explicit_id is not None,
        source=source,
        author=author,
        draft=draft,
        slug=slug,
        url=urls.article(date.astimezone(tz), slug),
        body_html=body_html,
        words=len(body.split()),
        aliases=aliases,
        extra=MappingProxyType({k: v for k, v in meta.items() if k not in KNOWN_KEYS}),
    )
    return article, warnings


def derived_id(path: str) -> str:
    """A stable id for an article that has none: a UUID from its file path."""
    return str(uuid.uuid5(_ID_NAMESPACE, path))


class _FieldReader:
    """Typed access to front matter values that records a Problem per bad field."""

    def __init__(self, path: str, meta: dict[str, Any], lines: dict[str, int]) -> None:
        self.path = path
        self.meta = meta
        self.lines = lines
        self.problems: list[Problem] = []

    def error(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, self.lines.get(key, 1), message))

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

    def date(self, key: str, tz: ZoneInfo) -> dt.datetime | None:
        value = self.meta.get(key)
        if value is None:
            return None
        try:
            return parse_date(value, tz)
        except ValueError as exc:
            self.error(key, f"{key}: {exc}")
            return None

    def flag(self, key: str) -> bool:
        value = self.meta.get(key, False)
        if not isinstance(value, bool):
            self.error(key, f"{key} must be true or false, got {value!r}")
            return False
        return value

    def tags(self, key: str) -> list[str]:
        value = self.meta.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or not all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
        ):
            self.error(key, f"{key} must be a list of names or a comma-separated string")
            return []
        names = [" ".join(printable(str(v)).split()) for v in value]
        for name in names:
            if name and not slugify(name):
                self.error(key, f"tag {name!r} has no letters or digits to make a URL from")
        return [name for name in names if name]

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
        urls = []
        for path in value:
            url = path.strip().lstrip("/")
            parts = url.split("/")
            if not url or "\\" in url or "\0" in url or "%" in url or "://" in path:
                self.error(key, f"alias {path!r} must be a path inside the site, like /2019/old/")
            elif any(part in (".", "..") for part in parts) or "" in parts[:-1]:
                self.error(key, f"alias {path!r} must not contain '.', '..' or '//'")
            else:
                urls.append(url if url.endswith("/") or "." in parts[-1] else url + "/")
        return tuple(urls)

    def source(self, key: str) -> Source | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = " ".join(printable(value).split())
            if _is_url(value):
                return Source(name=urlsplit(value).hostname or value, url=value)
            return Source(name=value) if value else None
        if isinstance(value, dict) and set(value) <= {"name", "url"}:
            name, url = value.get("name"), value.get("url")
            if (name is None or isinstance(name, str)) and (url is None or isinstance(url, str)):
                if url is not None and not _is_url(url):
                    self.error(key, f"source url must be an http(s) URL, got {url!r}")
                    return None
                if name or url:
                    name = " ".join(printable(name or "").split())
                    return Source(name=name or urlsplit(url or "").hostname or "", url=url)
        self.error(key, "source must be a name, a URL, or a mapping with 'name' and 'url'")
        return None


def _is_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
