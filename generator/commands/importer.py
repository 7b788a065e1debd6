"""Bringing outside articles in: `digest import PATH...`.

Two kinds of input are read:

- plain text in the layout of the seed articles: a title line, an optional
  bare number (dropped), an optional UUID line (the `id`), a lead paragraph
  (the `summary`), body paragraphs, an `Original Source: NAME` line and, at
  the end, the comment form and share buttons of the web page it was copied
  from (dropped: see BOILERPLATE, the one place that says what is dropped);
- RSS 2.0 and Atom feeds, read with feedparser: one article per entry.

Every article becomes one Markdown file with front matter, placed and written
by the shared rules of generator.commands.authoring, which never overwrite a file.
Each input (each feed entry) gets an ImportOutcome: imported, skipped because
an article with its id is already there, or refused with the reason. A
refused input does not stop the others.

The two kinds of input become an Incoming (generator.commands.incoming);
feeds are read in generator.commands.feedimport. This module reads the input
files, writes the articles and says what happened to each.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.commands.authoring import article_path, existing_ids, free_path, write_article
from generator.commands.feedimport import from_entry, parse_feed
from generator.commands.incoming import Incoming, from_plain_text
from generator.commands.plaintext import Refused
from generator.content.slugs import slugify, unique_by_slug
from generator.settings.config import SiteConfig, load_config

IMPORTED, SKIPPED, REFUSED = "imported", "skipped", "refused"
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
# Markup (after any byte order mark and blank space) is read as a feed whatever the file's
# name: a plain-text article never starts with "<", and HTML pages get refused as "not a feed".
_MARKUP_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*<")
NO_DATE_IN_FILE = "no date in the file: used its modification time"
NO_DATE_IN_ENTRY = "no date in the entry: used the file's modification time"


@dataclass(frozen=True)
class ImportOptions:
    """What the command line adds to every imported article."""

    tags: tuple[str, ...] = ()
    date: dt.datetime | None = None
    draft: bool = False


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one input: a file, or one entry of a feed."""

    source: str
    action: str
    detail: str

    def __str__(self) -> str:
        separator = " ->" if self.action == IMPORTED else ":"
        return f"{self.action} {self.source}{separator} {self.detail}"


# Reading inputs -----------------------------------------------------------


def _read_input(path: Path, config: SiteConfig) -> tuple[bytes, dt.datetime]:
    """The bytes of an input file and its modification time; raise Refused if unusable."""
    if path.is_dir():
        raise Refused("a folder, not a file: name the files to import")
    try:
        data = path.read_bytes()
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, config.tz)
    except OSError as exc:
        raise Refused(f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise Refused("empty file")
    if b"\0" in data:
        raise Refused("binary file, not text or a feed")
    limit = config.max_article_bytes
    if len(data) > limit and not _is_feed(path, data):
        message = f"file is {len(data):,} bytes, over the limit of {limit:,} (max_article_bytes)"
        raise Refused(message)
    return data, modified.replace(microsecond=0)


def _is_feed(path: Path, data: bytes) -> bool:
    return path.suffix.lower() in FEED_SUFFIXES or bool(_MARKUP_START.match(data[:1000]))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(f"not UTF-8 text (byte {exc.start})") from None


# Writing articles ---------------------------------------------------------


class _Importer:
    """One run of `digest import`: the site, the options and every id seen so far."""

    def __init__(self, site_dir: Path, config: SiteConfig, options: ImportOptions) -> None:
        self.site_dir = site_dir
        self.config = config
        self.options = options
        self.known = existing_ids(site_dir)

    def import_path(self, path: Path) -> list[ImportOutcome]:
        label = str(path)
        try:
            data, modified = _read_input(path, self.config)
            if _is_feed(path, data):
                return self._import_feed(label, parse_feed(data), modified)
            incoming = from_plain_text(_decode(data))
        except Refused as exc:
            return [ImportOutcome(label, REFUSED, str(exc))]
        return [self._add(label, incoming, modified, NO_DATE_IN_FILE)]

    def _import_feed(self, label: str, feed: Any, modified: dt.datetime) -> list[ImportOutcome]:
        if not feed.entries:
            return [ImportOutcome(label, SKIPPED, "the feed has no entries")]
        outcomes = []
        for number, entry in enumerate(feed.entries, start=1):
            where = f"{label}#{number}"
            try:
                incoming = from_entry(feed, entry)
            except Refused as exc:
                outcomes.append(ImportOutcome(where, REFUSED, str(exc)))
                continue
            outcomes.append(self._add(where, incoming, modified, NO_DATE_IN_ENTRY))
        return outcomes

    def _add(
        self, where: str, incoming: Incoming, modified: dt.datetime, undated: str
    ) -> ImportOutcome:
        """Write one article unless its id is already there; say what happened.

        `undated` is what the outcome says when the article has no date and
        gets the input file's modification time.
        """
        present = self.known.get(incoming.id)
        if present is not None:
            return ImportOutcome(where, SKIPPED, f"already present as {self._relative(present)}")
        date, note = self.options.date or incoming.date, ""
        if date is None:
            date = modified
            note = f" ({undated} {modified.isoformat()})"
        date = date.astimezone(self.config.tz)
        planned = article_path(self.site_dir, self.config, date, incoming.title)
        path = free_path(planned)
        meta = self._front_matter(incoming, date, slug_suffix=path.stem[len(planned.stem) :])
        try:
            write_article(path, meta, incoming.body)
        except OSError as exc:
            reason = "it exists" if isinstance(exc, FileExistsError) else exc.strerror or exc
            return ImportOutcome(where, REFUSED, f"cannot write {self._relative(path)}: {reason}")
        self.known[incoming.id] = path
        return ImportOutcome(where, IMPORTED, self._relative(path) + note)

    def _front_matter(
        self, incoming: Incoming, date: dt.datetime, slug_suffix: str
    ) -> dict[str, Any]:
        """The front matter, keys in the order a person would write them.

        A file renamed to `name-2.md` because `name.md` was taken gets the
        slug `name-2` as well, so that the two articles do not share a URL.
        """
        meta: dict[str, Any] = {"title": incoming.title, "date": date, "id": incoming.id}
        tags = unique_by_slug(t for t in (*incoming.tags, *self.options.tags) if slugify(t))
        if tags:
            meta["tags"] = list(tags)
        if incoming.source:
            meta["source"] = incoming.source
        if incoming.summary:
            meta["summary"] = incoming.summary
        if slug_suffix:
            meta["slug"] = (slugify(incoming.title) or "article") + slug_suffix
        if self.options.draft:
            meta["draft"] = True
        return meta

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.site_dir).as_posix()


def import_paths(
    paths: Sequence[Path], site_dir: Path, options: ImportOptions
) -> list[ImportOutcome]:
    """Import every file in `paths` into the site; one outcome per article or input."""
    importer = _Importer(site_dir, load_config(site_dir), options)
    return [outcome for path in paths for outcome in importer.import_path(path)]
