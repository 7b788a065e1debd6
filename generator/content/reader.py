"""One article file -> an Article: its front matter read and checked, its body rendered."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from generator.content.dates import date_from_filename
from generator.content.fences import load_front_matter
from generator.content.files import decode_article, read_article_bytes
from generator.content.frontmatter import (
    KNOWN_KEYS,
    LAYOUT,
    FieldReader,
    Source,
    misspelt_key,
)
from generator.content.images import ImageFiles, lead_image
from generator.content.leadimage import LeadImage
from generator.content.markup.render import MarkdownRenderer, first_paragraph_text
from generator.content.model import UNDATED, Article
from generator.content.slugs import slugify
from generator.errors import Problem
from generator.frozen import FrozenMapping
from generator.settings.config import SiteConfig
from generator.settings.tomlfile import TomlError
from generator.settings.yamlfile import YamlError
from generator.text import printable
from generator.urls import Urls

PAGES = "content/pages/"  # every file below it is a standalone page
_ID_NAMESPACE = uuid.UUID("6f1c1f2e-6d1a-4d55-9a0e-3c1f0d9b7a10")


class Read(NamedTuple):
    """What reading one article file gave: the article (None if unusable), its problems
    (errors and warnings), and whatever a cache's reader noted beside (see loading.py)."""

    article: Article | None
    problems: list[Problem]
    notes: object = None


@dataclass(frozen=True)
class ArticleReader:
    """Turns one article file into an Article: picklable, so it can work in other processes."""

    site_dir: Path
    tz: ZoneInfo
    urls: Urls
    max_bytes: int
    safe_html: bool
    sections: bool = False  # `categories` are sections, apart from tags

    def read(self, path: Path) -> Read:
        """The article in the file at `path`, with its problems."""
        article, problems, _ = self.read_bytes(path)
        return Read(article, problems)

    def read_bytes(self, path: Path) -> tuple[Article | None, list[Problem], bytes | None]:
        """`read`, with the bytes the article was read from (None if none could be)."""
        relative = path.relative_to(self.site_dir).as_posix()
        problems: list[Problem] = []
        data = read_article_bytes(path, relative, self.max_bytes, problems)
        text = None if data is None else decode_article(data, relative, problems)
        if data is None or text is None:
            return None, problems, data
        renderer = markdown_renderer(self.urls.base_path, self.safe_html)
        images = ImageFiles(self.site_dir / "content", self.urls)
        read = parse_article(relative, text, self.tz, self.urls, renderer, self.sections, images)
        return (*read, data)


def article_reader(site_dir: Path, config: SiteConfig, urls: Urls) -> ArticleReader:
    """The reader of the site's articles, with its settings."""
    return ArticleReader(
        site_dir, config.tz, urls, config.max_article_bytes, not config.unsafe_html, config.sections
    )


@functools.cache
def markdown_renderer(base_path: str, safe: bool) -> MarkdownRenderer:
    """One reusable Markdown converter per process (building one costs more than using it)."""
    return MarkdownRenderer(base_path, safe)


class _Fields(NamedTuple):
    """What an article's front matter says, each field read and checked."""

    title: str
    date: dt.datetime
    page: bool
    url: str | None
    updated: dt.datetime | None
    publish_date: dt.datetime | None
    expiry_date: dt.datetime | None
    tags: tuple[str, ...]
    sections: tuple[str, ...]
    summary: str | None
    source: Source | None
    authors: tuple[str, ...]
    draft: bool
    slug: str | None
    id: str | None
    aliases: tuple[str, ...]
    lang: str | None


def parse_article(
    path: str,
    text: str,
    tz: ZoneInfo,
    urls: Urls,
    renderer: MarkdownRenderer,
    sections: bool = False,
    images: ImageFiles | None = None,
) -> tuple[Article | None, list[Problem]]:
    """Read one article; return it (None if unusable) and its problems (warnings too).
    With `sections`, its `categories` are its sections rather than more tags; its lead
    image is looked for in `images`, if given (seven parameters: the file, and the
    site's rules and files for reading it)."""
    split = _front_matter(path, text)
    if isinstance(split, Problem):
        return None, [split]
    meta, lines, body = split
    reader = FieldReader(path, meta, {k: v + 1 for k, v in lines.items()})
    fields = _read_fields(reader, path, tz, sections)
    if fields is None:
        return None, reader.problems
    folder = PurePosixPath(path).parent.relative_to("content").as_posix()
    body_html = renderer.render(printable(body), "" if folder == "." else folder)
    image = lead_image(reader, body_html, text, urls, images)
    if reader.problems:
        return None, reader.problems
    article = _article(path, fields, _Text(meta, body, body_html, image), tz, urls)
    pinned = fields.id or fields.page  # a page is in no feed: its id is never seen
    return article, reader.warnings + ([] if pinned else [_unpinned_id(path, article.id)])


class _Text(NamedTuple):
    """What an article says besides its fields: all of its front matter, its body as
    written and as HTML, and its lead image."""

    meta: dict[str, Any]
    body: str
    body_html: str
    image: LeadImage | None


def _article(path: str, fields: _Fields, text: _Text, tz: ZoneInfo, urls: Urls) -> Article:
    """The Article of the file at `path`, from what it says."""
    article_id = fields.id or derived_id(path)
    stem = slugify(PurePosixPath(path).stem)
    named = (stem, slugify(fields.title)) if fields.page else (slugify(fields.title), stem)
    slug = fields.slug or named[0] or named[1] or article_id[:8]
    body_html = text.body_html
    return Article(
        path=path,
        title=fields.title,
        date=fields.date,
        updated=fields.updated,
        publish_date=fields.publish_date,
        expiry_date=fields.expiry_date,
        tags=fields.tags,
        sections=fields.sections,
        summary=fields.summary or first_paragraph_text(body_html),
        summary_from_body=not fields.summary,
        id=article_id,
        id_pinned=fields.id is not None,
        source=fields.source,
        authors=fields.authors,
        draft=fields.draft,
        slug=slug,
        url=fields.url or _permalink(path, fields, slug, tz, urls),
        body_html=body_html,
        words=len(text.body.split()),
        aliases=fields.aliases,
        extra=FrozenMapping({k: v for k, v in text.meta.items() if k not in KNOWN_KEYS}),
        lang=fields.lang,
        page=fields.page,
        image=text.image,
    )


def _front_matter(path: str, text: str) -> tuple[dict[str, Any], dict[str, int], str] | Problem:
    """The front matter of `text` (the file at `path`), the line of each of its keys,
    and the body; or what is wrong with it."""
    try:
        return load_front_matter(text)
    except (YamlError, TomlError) as exc:
        line = exc.line + 1 if exc.line is not None else None  # +1 for the opening '---'
        return Problem(path, line, str(exc))
    except ValueError as exc:
        return Problem(path, 1, str(exc))


def _read_fields(reader: FieldReader, path: str, tz: ZoneInfo, sections: bool) -> _Fields | None:
    """The fields digest knows, from the front matter of the file at `path`, under
    its names or those Hugo and Jekyll give them; None if any is wrong (the reader
    holds the problems) or a required one is missing. A page needs no date."""
    title = reader.text("title", required=True)
    page = _is_page(reader, path)
    publish_date = reader.date(reader.first("publishDate", "publishdate", "pubdate"), tz)
    named = date_from_filename(PurePosixPath(path).name, tz)
    date = reader.date("date", tz) or publish_date or named
    if date is None and page and reader.meta.get("date") is None:
        date = UNDATED
    if date is None and reader.meta.get("date") is None:
        reader.error("date", "missing required field 'date' (or a YYYY-MM-DD- file name prefix)")
    desks = ("categories", "section")
    fields = (
        page,
        reader.url("url"),
        reader.date("updated", tz) or reader.date("lastmod", tz),
        publish_date,
        reader.date(reader.first("expiryDate", "expirydate", "expires"), tz),
        reader.tag_set("tags") if sections else reader.tag_set("tags", *desks),
        reader.tag_set(*desks, kind="sections") if sections else (),
        reader.text("summary") or reader.text("description"),
        reader.source("source"),
        tuple(dict.fromkeys(reader.names("author") + reader.names("authors"))),
        reader.flag("draft") or not reader.flag("published", default=True),
        reader.slug("slug"),
        reader.text("id"),
        reader.aliases("aliases"),
        reader.language("lang"),
    )
    for key in reader.meta:
        if (known := misspelt_key(key)) is not None:
            reader.warn(key, f"unknown field {key!r}: did you mean {known!r}? (kept for templates)")
    if reader.problems or title is None or date is None:
        return None
    return _Fields(title, date, *fields)


def _is_page(reader: FieldReader, path: str) -> bool:
    """Whether the file at `path` is a standalone page: under content/pages/, or of
    `layout: page`; another layout (Jekyll's `post`) is an article's."""
    return path.startswith(PAGES) or reader.text(LAYOUT) == "page"


def _permalink(path: str, fields: _Fields, slug: str, tz: ZoneInfo, urls: Urls) -> str:
    """The URL of an article that does not give its own: the site's permalink, or,
    for a page, its path below content/pages/ (`pages/legal/privacy.md` ->
    `legal/privacy/`, `pages/legal/index.md` -> `legal/`), or its slug (`about/`)
    when it is elsewhere."""
    if not fields.page:
        return urls.article(fields.date.astimezone(tz), slug)
    if not path.startswith(PAGES):
        return f"{slug}/"
    folder = PurePosixPath(path).parent.as_posix().removeprefix(PAGES.rstrip("/")).strip("/")
    parts = [*folder.split("/"), "" if slug == "index" and not fields.slug else slug]
    return "/".join(part for part in parts if part) + "/"


def _unpinned_id(path: str, article_id: str) -> Problem:
    """The warning for an article without an `id`, which gets `article_id`."""
    message = f"no 'id'; using {article_id}, add 'id: {article_id}' to pin it"
    return Problem(path, 1, message, True)


def derived_id(path: str) -> str:
    """A stable id for an article that has none: a UUID from its file path."""
    return str(uuid.uuid5(_ID_NAMESPACE, path))
