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
by the shared rules of generator.intake.authoring, which never overwrite a file.
Each input (each feed entry) gets an ImportOutcome: imported, skipped because
an article with its id is already there, or refused with the reason. A
refused input does not stop the others.

Every kind of input becomes an Incoming (generator.intake.incoming); feeds
are read in generator.intake.feedimport and generator.intake.jsonfeedimport.
This module reads the input files, writes the articles and says what happened
to each.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.content.fences import load_front_matter
from generator.content.slugs import slugify, unique_by_slug
from generator.intake.authoring import article_path, existing_ids, free_path, front_matter
from generator.intake.entrytext import credited, summary_only
from generator.intake.importinputs import (
    URL,
    check_size,
    decode,
    feed_entries_of,
    read_input,
    url_refusal,
)
from generator.intake.incoming import ENTRY_NAMESPACE, Incoming, from_plain_text
from generator.intake.plaintext import Refused
from generator.settings.config import SiteConfig, load_config

IMPORTED, SKIPPED, REFUSED = "imported", "skipped", "refused"
NO_DATE_IN_FILE = "no date in the file: used its modification time"
NO_DATE_IN_ENTRY = "no date in the entry: used the file's modification time"
NO_DATE_FETCHED = "no date in the entry: used the time it was fetched"
DERIVED_TITLE = "title made from its text"
# An entry dated before this year is refused: such a date is a placeholder, and before
# 1900 time zones had offsets in seconds, which a front matter date cannot hold.
EARLIEST_YEAR = 1970
# Above `title:` in the file of an article whose title was made: a comment, not a key,
# since a key the reader does not know would be warned about as a misspelt field.
DERIVED_TITLE_COMMENT = "# title made from the entry's text\n"


@dataclass(frozen=True)
class ImportOptions:
    """What the command line adds to every imported article."""

    tags: tuple[str, ...] = ()
    date: dt.datetime | None = None
    draft: bool = False
    summary_only: bool = False  # the body is the summary and a link to the original
    source: str = ""  # the name articles credit, not the feed's title


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one input: a file, or one entry of a feed."""

    source: str
    action: str
    detail: str
    id: str = ""  # of the article, when the input was read

    def __str__(self) -> str:
        separator = " ->" if self.action == IMPORTED else ":"
        return f"{self.action} {self.source}{separator} {self.detail}"


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


class Importer:
    """Articles brought into one site with the same options, and every id seen so far
    (`known`: shared by importers of the same site, else read from content/)."""

    def __init__(
        self,
        site_dir: Path,
        config: SiteConfig,
        options: ImportOptions,
        known: dict[str, Path] | None = None,
        seen: frozenset[str] = frozenset(),
    ) -> None:
        self.site_dir = site_dir
        self.config = config
        self.options = options
        self.known = existing_ids(site_dir) if known is None else known
        self.seen = seen  # ids imported before, whose articles may have been deleted since

    def import_path(self, given: str) -> list[ImportOutcome]:
        """The outcomes of importing the file `given` on the command line."""
        if URL.match(given):
            return [ImportOutcome(given, REFUSED, url_refusal(given))]
        path, label = Path(given), given
        try:
            data, modified = read_input(path, self.config)
            entries = feed_entries_of(path.name, data, "")
            if entries is not None:
                return self._import_entries(label, entries, modified)
            check_size(data, self.config)
            incoming = from_plain_text(decode(data))
        except Refused as exc:
            return [ImportOutcome(label, REFUSED, str(exc))]
        return [self._add(label, incoming, modified, NO_DATE_IN_FILE)]

    def import_feed(
        self, label: str, name: str, data: bytes, base: str, fetched: dt.datetime
    ) -> list[ImportOutcome]:
        """The outcomes of importing the feed `data` fetched from the URL `base` (its file
        name `name`) at `fetched`, called `label`; raise Refused if it is not a feed."""
        entries = feed_entries_of(name, data, base)
        if entries is None:
            raise Refused("not an RSS, Atom or JSON feed")
        return self._import_entries(label, entries, fetched, NO_DATE_FETCHED)

    def _import_entries(
        self,
        label: str,
        entries: Sequence[Callable[[], Incoming]],
        modified: dt.datetime,
        undated: str = NO_DATE_IN_ENTRY,
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
            outcomes.append(self._add(where, incoming, modified, undated))
        return outcomes

    def _add(
        self, where: str, incoming: Incoming, modified: dt.datetime, undated: str
    ) -> ImportOutcome:
        """Write one article unless its id is already there (or was imported before);
        say what happened.

        `undated` is what the outcome says when the article has no date and
        gets the input file's modification time (or the time it was fetched).
        """
        if self.options.source:  # first: the summary's link names the source
            incoming = credited(incoming, self.options.source)
        if self.options.summary_only:
            incoming = summary_only(incoming)
        incoming = self._apart(incoming)
        present, known = self.known.get(incoming.id), incoming.id
        if present is not None:
            return ImportOutcome(
                where, SKIPPED, f"already present as {self._relative(present)}", known
            )
        if incoming.id in self.seen:
            return ImportOutcome(
                where, SKIPPED, "imported by an earlier fetch, deleted since", known
            )
        notes: list[str] = []
        try:
            path = self._write(incoming, modified, undated, notes)
        except Refused as exc:
            return ImportOutcome(where, REFUSED, str(exc), known)
        except OSError as exc:
            reason = "it exists" if isinstance(exc, FileExistsError) else exc.strerror or exc
            return ImportOutcome(where, REFUSED, f"cannot write {exc.filename}: {reason}", known)
        self.known[incoming.id] = path
        note = f" ({'; '.join(notes)})" if notes else ""
        return ImportOutcome(where, IMPORTED, self._relative(path) + note, known)

    def _apart(self, incoming: Incoming) -> Incoming:
        """`incoming`, with an id of its own if an article from another site has its id:
        feeds number their entries 1, 2, 3, and such an id is the feed's, not the world's.
        Its own is its link (the same each time it comes), else one made from its source."""
        present = self.known.get(incoming.id)
        if present is None or _same_host(_source_url(present), incoming.link):
            return incoming
        own = incoming.link or str(uuid.uuid5(ENTRY_NAMESPACE, f"{incoming.source}#{incoming.id}"))
        return dataclasses.replace(incoming, id=own)

    def _write(
        self, incoming: Incoming, modified: dt.datetime, undated: str, notes: list[str]
    ) -> Path:
        """Write the article file of `incoming`; its path. Add to `notes` what was made up."""
        if incoming.title_derived:
            notes.append(DERIVED_TITLE)
        date = self.options.date or incoming.date
        if date is None:
            date = modified
            notes.append(f"{undated} {modified.isoformat()}")
        if date.year < EARLIEST_YEAR:  # a feed's placeholder (.NET's 0001-01-01), not news
            raise Refused(f"dated {date.date().isoformat()}, before {EARLIEST_YEAR}")
        date = date.astimezone(self.config.tz)
        planned = article_path(self.site_dir, self.config, date, incoming.title)
        path = free_path(planned)
        meta = self._front_matter(incoming, date, slug_suffix=path.stem[len(planned.stem) :])
        try:
            _write_article(path, meta, incoming.body, incoming.title_derived)
        except OSError as exc:
            exc.filename = self._relative(path)
            raise
        return path

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
    importer = Importer(site_dir, load_config(site_dir), options)
    return [outcome for path in paths for outcome in importer.import_path(str(path))]


def _source_url(path: Path) -> str:
    """The web address the article at `path` credits, if it can be read."""
    try:
        meta, _, _ = load_front_matter(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    source = meta.get("source")
    url = source.get("url") if isinstance(source, dict) else source
    return url if isinstance(url, str) else ""


def _same_host(one: str, other: str) -> bool:
    """Whether two links are of one site (or either is missing, and none can tell)."""
    hosts = {urlsplit(url).hostname for url in (one, other) if url}
    return len(hosts) < 2
