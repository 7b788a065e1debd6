"""Reading content/: Markdown files with YAML front matter -> Article values.

Each file is read and checked on its own; every problem in every file is
collected so that one run reports them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from generator.content.dates import date_from_filename
from generator.content.frontmatter import KNOWN_KEYS, FieldReader, Source, split_front_matter
from generator.content.markup.render import MarkdownRenderer, first_paragraph_text
from generator.content.slugs import slugify, unique_by_slug
from generator.content.text import printable
from generator.errors import Problem, SiteError
from generator.incremental.store import (
    Entries,
    cache_folder,
    file_fingerprint,
    fingerprint,
    library_versions,
    load_entries,
    pickled_digest,
    save_entries,
)
from generator.parallel import ordered_map
from generator.settings.config import SiteConfig
from generator.settings.yamlfile import YamlError, load_mapping
from generator.urls import Urls

ARTICLE_SUFFIX = ".md"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_ID_NAMESPACE = uuid.UUID("6f1c1f2e-6d1a-4d55-9a0e-3c1f0d9b7a10")


class FrozenMapping(Mapping[str, Any]):
    """A read-only mapping that, unlike MappingProxyType, can travel between processes."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._data!r})"


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
    def is_uuid(self) -> bool:
        return bool(_UUID.match(self.id))

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the body at 220 words a minute, at least 1."""
        return max(1, round(self.words / 220))


@dataclass(frozen=True)
class LoadedContent:
    """Everything read from content/: articles, other files, warnings.

    `digests` are the articles' digests (see keys.py) and `places` the
    digests of their places in the site (see `place_digest`), in the same
    order, taken when each was read.
    """

    articles: tuple[Article, ...]
    assets: tuple[str, ...]
    warnings: tuple[Problem, ...]
    digests: tuple[bytes, ...]
    places: tuple[bytes, ...]
    prints: Mapping[str, str]  # the SHA-256 of each article file's bytes, as read, by path


Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """A progress report that shows nothing."""


@dataclass(frozen=True)
class ArticleReader:
    """Turns one article file into an Article: picklable, so it can work in other processes."""

    site_dir: Path
    tz: ZoneInfo
    urls: Urls
    max_bytes: int
    safe_html: bool

    @property
    def settings(self) -> tuple[object, ...]:
        """What an Article depends on besides its file: the key of its cache."""
        # The fields too: articles kept by a version of digest with other fields are
        # not taken for these.
        fields = tuple(field.name for field in dataclasses.fields(Article))
        return (self.tz.key, self.urls, self.max_bytes, self.safe_html, library_versions(), fields)

    def read(self, path: Path) -> tuple[Article | None, list[Problem]]:
        article, problems, _ = self._read(path)
        return article, problems

    def read_with_digests(
        self, path: Path
    ) -> tuple[Article | None, list[Problem], tuple[bytes, bytes], str]:
        """`read`, with the article's digest and that of its place, taken in the worker
        that read it, and the SHA-256 of the bytes it was read from."""
        article, problems, taken = self._read(path)
        if article is None:
            return None, problems, (b"", b""), taken
        return article, problems, (article_digest(article), place_digest(article)), taken

    def _read(self, path: Path) -> tuple[Article | None, list[Problem], str]:
        relative = path.relative_to(self.site_dir).as_posix()
        problems: list[Problem] = []
        data = read_article_bytes(path, relative, self.max_bytes, problems)
        text = None if data is None else decode_article(data, relative, problems)
        if data is None or text is None:
            return None, problems, ""
        renderer = markdown_renderer(self.urls.base_path, self.safe_html)
        return (*parse_article(relative, text, self.tz, self.urls, renderer), fingerprint(data))


# What an article says, not where it stands in the site, each with a blank value.
TEXT_FIELDS: Mapping[str, Any] = {"body_html": "", "words": 0, "summary": ""}


def article_digest(article: Article) -> bytes:
    """A digest of `article`: of the pickle of its values, which takes half as long
    as that of the article (Article's fields are part of the cache's key)."""
    return pickled_digest(tuple(vars(article).values()))


def place_digest(article: Article) -> bytes:
    """A digest of everything about `article` but its text (`TEXT_FIELDS`).

    Assembling the site reads nothing else, so articles with the same places
    make the same site, but for the text of their pages (see edits.py).
    """
    return pickled_digest(tuple(v for k, v in vars(article).items() if k not in TEXT_FIELDS))


def article_reader(site_dir: Path, config: SiteConfig, urls: Urls) -> ArticleReader:
    """The reader of the site's articles, with its settings."""
    return ArticleReader(
        site_dir, config.tz, urls, config.max_article_bytes, not config.unsafe_html
    )


@functools.cache
def markdown_renderer(base_path: str, safe: bool) -> MarkdownRenderer:
    """One reusable Markdown converter per process (building one costs more than using it)."""
    return MarkdownRenderer(base_path, safe)


def load_content(
    site_dir: Path,
    config: SiteConfig,
    urls: Urls,
    jobs: int = 1,
    progress: Progress = no_progress,
    cache: bool = True,
    prints: Mapping[str, str] | None = None,
) -> LoadedContent:
    """Read every article under `site_dir/content`; raise SiteError listing all problems.

    Articles whose bytes are in the build cache are taken from it; the others
    are read over `jobs` processes. The result depends on neither. `prints`
    are fingerprints of files the caller has already taken; the others are
    taken by the processes that read them.
    """
    root = site_dir / "content"
    if not root.is_dir():
        raise SiteError([Problem("content", None, f"no content/ folder in {site_dir}")])
    problems: list[Problem] = []
    files = content_files(root, problems)
    start = len(str(root)) + 1  # of each file's path below content/

    def below(name: str) -> str:
        return name[start:].replace(os.sep, "/")

    article_files = [name for name in files if name.endswith(ARTICLE_SUFFIX)]
    assets = tuple(below(name) for name in files if not name.endswith(ARTICLE_SUFFIX))
    reader = article_reader(site_dir, config, urls)
    store = cache_folder(site_dir, reader.settings) if cache else None
    cached = load_entries(store) if store else {}
    entries: Entries = {}
    todo = []
    relatives = [f"content/{below(name)}" for name in article_files]
    for name, relative in zip(article_files, relatives, strict=True):
        stamp, hit = (prints or {}).get(name), cached.get(relative)
        if stamp is None and hit is not None:  # whether the cached article still holds
            stamp = file_fingerprint(name, config.max_article_bytes)
        if stamp is not None and hit is not None and hit[0] == stamp:
            entries[relative] = hit
        else:
            todo.append((name, relative, stamp))
    progress("reading", 0, len(todo))
    read = ordered_map(reader.read_with_digests, [Path(name) for name, _, _ in todo], jobs)
    for done, ((_, relative, stamp), (article, found, digests, taken)) in enumerate(
        zip(todo, read, strict=True)
    ):
        progress("reading", done + 1, len(todo))
        problems.extend(p for p in found if not p.warning)
        if article is not None:  # keyed on the bytes stamped, if they were: else those read
            warned = tuple(p for p in found if p.warning)
            entries[relative] = (stamp or taken, article, warned, *digests)
    errors = [p for p in problems if not p.warning]
    if errors:
        raise SiteError(errors)
    if store:
        save_entries(store, entries, [r for _, r, _ in todo] + list(cached.keys() - entries.keys()))
    ordered = [entries[relative] for relative in relatives]
    warnings = [p for p in problems if p.warning] + [w for entry in ordered for w in entry[2]]
    return LoadedContent(
        articles=tuple(entry[1] for entry in ordered),
        assets=assets,
        warnings=tuple(sorted(warnings)),
        digests=tuple(entry[3] for entry in ordered),
        places=tuple(entry[4] for entry in ordered),
        prints={name: entry[0] for name, entry in zip(article_files, ordered, strict=True)},
    )


def content_files(root: Path, problems: list[Problem]) -> list[str]:
    """The paths of the files under `root` (joined to it) in a stable order, without
    hidden ones.

    A symbolic link is followed only to a file inside `root`; any other link
    is skipped with a warning, so nothing outside content/ is ever published.
    """
    found: list[str] = []
    top = root.resolve()
    todo = [str(root)]
    while todo:
        try:
            entries = os.scandir(todo.pop())
        except OSError:  # gone or unreadable since it was listed: as if it were not there
            continue
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if not entry.is_symlink():
                    if entry.is_dir(follow_symlinks=False):
                        todo.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        found.append(entry.path)
                    continue
                where = Path(entry.path).relative_to(root.parent).as_posix()
                if entry.is_dir():
                    problems.append(
                        Problem(where, None, "skipped: a link to a folder", warning=True)
                    )
                elif not Path(entry.path).resolve().is_relative_to(top):
                    message = "skipped: a link to a file outside content/"
                    problems.append(Problem(where, None, message, warning=True))
                elif entry.is_file():
                    found.append(entry.path)
    # In the order of their folders and names: the separator sorts before any character.
    return sorted(found, key=lambda path: path.replace(os.sep, "\0"))


def read_article_bytes(
    path: Path, relative: str, limit: int, problems: list[Problem]
) -> bytes | None:
    """The bytes of an article file, or None after recording why it cannot be used."""
    size = path.stat().st_size
    if size > limit:
        message = f"file is {size:,} bytes, over the limit of {limit:,} (max_article_bytes)"
        problems.append(Problem(relative, None, message))
        return None
    data = path.read_bytes()
    if b"\0" in data:
        problems.append(Problem(relative, None, "binary file, not a Markdown article"))
        return None
    return data


def decode_article(data: bytes, relative: str, problems: list[Problem]) -> str | None:
    """The text of an article's bytes, or None after recording why they are not text."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(relative, None, f"not UTF-8 text (byte {exc.start})"))
        return None


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
    reader = FieldReader(path, meta, {k: v + 1 for k, v in lines.items()})
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

    folder = PurePosixPath(path).parent.relative_to("content").as_posix()
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
        extra=FrozenMapping({k: v for k, v in meta.items() if k not in KNOWN_KEYS}),
    )
    return article, warnings


def derived_id(path: str) -> str:
    """A stable id for an article that has none: a UUID from its file path."""
    return str(uuid.uuid5(_ID_NAMESPACE, path))
