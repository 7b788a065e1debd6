"""Bringing outside articles in: `digest import PATH...`.

Two kinds of input are read:

- plain text in the layout of the seed articles: a title line, an optional
  bare number (dropped), an optional UUID line (the `id`), a lead paragraph
  (the `summary`), body paragraphs, an `Original Source: NAME` line and, at
  the end, the comment form and share buttons of the web page it was copied
  from (dropped: see BOILERPLATE, the one place that says what is dropped);
- RSS 2.0 and Atom feeds, read with feedparser, and JSON Feeds: one article
  per entry. An entry without a title gets one made from its text, and its
  file says so in a comment above `title:`.

A URL is refused: this command reads files (download the feed first).

Every article becomes one Markdown file with front matter, placed and written
by the shared rules of generator.commands.authoring, which never overwrite a file.
Each input (each feed entry) gets an ImportOutcome: imported, skipped because
an article with its id is already there, or refused with the reason. A
refused input does not stop the others.

Every kind of input becomes an Incoming (generator.commands.incoming); feeds
are read in generator.commands.feedimport and generator.commands.jsonfeedimport.
This module reads the input files, writes the articles and says what happened
to each.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.commands.authoring import article_path, existing_ids, free_path, front_matter
from generator.commands.feedimport import feed_entries
from generator.commands.incoming import Incoming, from_plain_text
from generator.commands.jsonfeedimport import json_feed_items, load_json
from generator.commands.plaintext import Refused
from generator.content.slugs import slugify, unique_by_slug
from generator.settings.config import SiteConfig, load_config

IMPORTED, SKIPPED, REFUSED = "imported", "skipped", "refused"
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
# Markup (after any byte order mark and blank space) is read as a feed whatever the file's
# name: a plain-text article never starts with "<", and HTML pages get refused as "not a feed".
_MARKUP_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*<")
# A `.json` file, or one that starts with "{" and parses as JSON, is read as a JSON Feed.
_OBJECT_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*\{")
# A URL given to import; `feed:` is the pseudo-scheme of feed links, as
# `feed://host/x` or `feed:https://host/x`.
_URL = re.compile(r"(?:feed:)?(?:https?|feed)://", re.IGNORECASE)
NO_DATE_IN_FILE = "no date in the file: used its modification time"
NO_DATE_IN_ENTRY = "no date in the entry: used the file's modification time"
DERIVED_TITLE = "title made from its text"
# Above `title:` in the file of an article whose title was made: a comment, not a key,
# since a key the reader does not know would be warned about as a misspelt field.
DERIVED_TITLE_COMMENT = "# title made from the entry's text\n"


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


def _url_refusal(url: str) -> str:
    """Why a URL is refused, with the command that downloads it."""
    web = re.sub(r"^feed:(?=https?:)", "", url, flags=re.IGNORECASE)
    web = re.sub(r"^feed:", "http:", web, flags=re.IGNORECASE)
    name = "feed.json" if web.lower().endswith(".json") else "feed.xml"
    return f"a URL: digest import reads files; download it first (e.g. curl -o {name} {web})"


def _read_input(path: Path, config: SiteConfig) -> tuple[bytes, dt.datetime]:
    """The bytes of an input file and its modification time; raise Refused if unusable."""
    try:
        if path.is_dir():
            raise Refused("a folder, not a file: name the files to import")
        data = path.read_bytes()
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, config.tz)
    except OSError as exc:
        raise Refused(f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise Refused("empty file")
    if b"\0" in data:
        raise Refused("binary file, not text or a feed")
    return data, modified.replace(microsecond=0)


def _check_size(data: bytes, config: SiteConfig) -> None:
    """Refuse a plain-text article over the limit of an article (a feed may be longer)."""
    limit = config.max_article_bytes
    if len(data) > limit:
        message = f"file is {len(data):,} bytes, over the limit of {limit:,} (max_article_bytes)"
        raise Refused(message)


def _is_markup(path: Path, data: bytes) -> bool:
    return path.suffix.lower() in FEED_SUFFIXES or bool(_MARKUP_START.match(data[:1000]))


def _is_json(path: Path, data: bytes) -> bool:
    return path.suffix.lower() == ".json" or bool(_OBJECT_START.match(data[:1000]))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(f"not UTF-8 text (byte {exc.start})") from None


def _json_feed(path: Path, text: str) -> list[Callable[[], Incoming]] | None:
    """The items of a JSON Feed, or None for a text that is not JSON and not named `.json`
    (a plain-text article may start with "{"); raise Refused for other JSON."""
    try:
        document = load_json(text.removeprefix("\ufeff"))
    except Refused:
        if path.suffix.lower() == ".json":
            raise
        return None
    return json_feed_items(document)


def _write_article(path: Path, meta: dict[str, Any], body: str, title_derived: bool) -> None:
    """Create the article file, as authoring.write_article does, with a comment above
    `title:` when the title was made from the text; never overwrite anything."""
    head = front_matter(meta)
    if title_derived:
        head = head.replace("---\n", "---\n" + DERIVED_TITLE_COMMENT, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as stream:
        stream.write(head + "\n" + body.strip() + "\n")


# Writing articles ---------------------------------------------------------


class _Importer:
    """One run of `digest import`: the site, the options and every id seen so far."""

    def __init__(self, site_dir: Path, config: SiteConfig, options: ImportOptions) -> None:
        self.site_dir = site_dir
        self.config = config
        self.options = options
        self.known = existing_ids(site_dir)

    def import_path(self, given: str) -> list[ImportOutcome]:
        """The outcomes of importing the file `given` on the command line."""
        if _URL.match(given):
            return [ImportOutcome(given, REFUSED, _url_refusal(given))]
        path, label = Path(given), given
        try:
            data, modified = _read_input(path, self.config)
            if _is_markup(path, data):
                return self._import_entries(label, feed_entries(data), modified)
            text = _decode(data)
            items = _json_feed(path, text) if _is_json(path, data) else None
            if items is not None:
                return self._import_entries(label, items, modified)
            _check_size(data, self.config)
            incoming = from_plain_text(text)
        except Refused as exc:
            return [ImportOutcome(label, REFUSED, str(exc))]
        return [self._add(label, incoming, modified, NO_DATE_IN_FILE)]

    def _import_entries(
        self, label: str, entries: Sequence[Callable[[], Incoming]], modified: dt.datetime
    ) -> list[ImportOutcome]:
        """One outcome per entry of a feed; `entries` read each, raising Refused."""
        if not entries:
            return [ImportOutcome(label, SKIPPED, "the feed has no entries")]
        outcomes = []
        for number, read in enumerate(entries, start=1):
            where = f"{label}#{number}"
            try:
                incoming = read()
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
        notes = [DERIVED_TITLE] if incoming.title_derived else []
        date = self.options.date or incoming.date
        if date is None:
            date = modified
            notes.append(f"{undated} {modified.isoformat()}")
        date = date.astimezone(self.config.tz)
        planned = article_path(self.site_dir, self.config, date, incoming.title)
        path = free_path(planned)
        meta = self._front_matter(incoming, date, slug_suffix=path.stem[len(planned.stem) :])
        try:
            _write_article(path, meta, incoming.body, incoming.title_derived)
        except OSError as exc:
            reason = "it exists" if isinstance(exc, FileExistsError) else exc.strerror or exc
            return ImportOutcome(where, REFUSED, f"cannot write {self._relative(path)}: {reason}")
        self.known[incoming.id] = path
        note = f" ({'; '.join(notes)})" if notes else ""
        return ImportOutcome(where, IMPORTED, self._relative(path) + note)

    def _front_matter(
        self, incoming: Incoming, date: dt.datetime, slug_suffix: str
    ) -> dict[str, Any]:
        """The front matter, keys in the order a person would write them.

        A file renamed to `name-2.md` because `name.md` was taken gets the
        slug `name-2` as well, so that the two articles do not share a URL.
        """
        meta: dict[str, Any] = {"title": incoming.title, "date": date, "id": incoming.id}
        if incoming.updated and not self.options.date:
            meta["updated"] = incoming.updated.astimezone(self.config.tz)
        if len(incoming.authors) == 1:
            meta["author"] = incoming.authors[0]
        elif incoming.authors:
            meta["authors"] = list(incoming.authors)
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
    paths: Sequence[str | Path], site_dir: Path, options: ImportOptions
) -> list[ImportOutcome]:
    """Import every file in `paths` (as given on the command line) into the site; one
    outcome per article or input."""
    importer = _Importer(site_dir, load_config(site_dir), options)
    return [outcome for path in paths for outcome in importer.import_path(str(path))]
