"""Articles already read, kept between builds: the content stage's cache.

Reading an article (YAML, then Markdown to HTML) is most of a cold build, so
the Article made from a file is kept, keyed on the SHA-256 of the file's
bytes, with the two digests the rest of this layer needs: the article's (for
output keys, see keys.py) and that of its place in the site (for the edit
path, see edits.py). Both are taken in the worker that read the article.

A cache folder belongs to one combination of everything else an Article
depends on (the generator's version and the settings that shape it); any
other combination gets its own. Its articles are spread over `SHARDS` files
by path, so that an edit rewrites one small file; each file is checked (see
store.py), and a damaged one is as good as missing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, cast

from generator import __version__
from generator.content.images import image_inputs
from generator.content.model import Article
from generator.content.reader import ArticleReader, Read
from generator.errors import Problem
from generator.incremental.store import (
    CACHE_DIR,
    file_fingerprint,
    library_versions,
    load_pickle,
    pickled_digest,
    save_pickle,
)
from generator.outputs import fingerprint

SHARDS = 64
FORMAT = 3  # of the shards' entries: another format is kept in another folder
# What an article says, not where it stands in the site, each with a blank value.
TEXT_FIELDS: Mapping[str, Any] = {
    "body_html": "",
    "words": 0,
    "summary": "",
    "summary_from_body": False,
}


class Entry(NamedTuple):
    """One article as kept: the fingerprint of its file's bytes, the article, its
    warnings, its digest, the digest of its place in the site, and the fingerprint of
    each image file its lead image was read from ("" for one that was not there)."""

    stamp: str
    article: Article
    warnings: tuple[Problem, ...]
    digest: bytes
    place: bytes
    images: tuple[tuple[str, str], ...]  # (path below content/, fingerprint)


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


@dataclass(frozen=True)
class DigestingReader:
    """An ArticleReader that notes, beside each article, its digests and the fingerprint
    of the bytes it was read from: picklable, for the worker processes."""

    reader: ArticleReader

    def __call__(self, path: Path) -> Read:
        article, problems, data = self.reader.read_bytes(path)
        if article is None:
            return Read(None, problems)
        taken = fingerprint(data) if data is not None else ""
        images = image_inputs(article.image, article.body_html, self.reader.urls.base_path)
        noted = (taken, article_digest(article), place_digest(article), images)
        return Read(article, problems, noted)


class ArticleStore:
    """The content stage's cache (see `content.loading.ArticleCache`) in `.digest-cache/`.

    `prints` are fingerprints of article files already taken (see record.py);
    a cached article is checked against the file's own otherwise. After the
    stage, `entries` holds every article of the site, as kept.
    """

    def __init__(self, site_dir: Path, reader: ArticleReader, prints: Mapping[str, str]) -> None:
        self.folder = site_dir / CACHE_DIR / f"articles-{_settings_key(reader)}"
        self.content = os.path.join(site_dir, "content")
        self.prints = prints
        self.max_bytes = reader.max_bytes
        self.cached = load_entries(self.folder)
        self.entries: dict[str, Entry] = {}  # in the order of the files
        self.names: dict[str, str] = {}  # relative path -> path as listed
        self.stamps: dict[str, str | None] = {}

    def known(self, name: str, relative: str) -> Read | None:
        self.names[relative] = name
        stamp, hit = self.prints.get(name), self.cached.get(relative)
        if stamp is None and hit is not None:  # whether the cached article still holds
            stamp = file_fingerprint(name, self.max_bytes)
        self.stamps[relative] = stamp
        if stamp is None or hit is None or hit.stamp != stamp:
            return None
        if any(self._image_print(file) != print_ for file, print_ in hit.images):
            return None  # an image beside it changed, came or went: read it again
        return Read(hit.article, list(hit.warnings), hit)

    def reading(self, reader: ArticleReader) -> Callable[[Path], Read]:
        return DigestingReader(reader)

    def keep(self, reads: Mapping[str, Read], read_now: list[str]) -> None:
        for relative, read in reads.items():
            if isinstance(read.notes, Entry):
                self.entries[relative] = read.notes
            elif read.article is not None:  # keyed on the bytes stamped, if they were
                noted = cast(tuple[str, bytes, bytes, tuple[str, ...]], read.notes)
                taken, digest, place, files = noted  # see DigestingReader
                warned = tuple(p for p in read.problems if p.warning)
                stamp = self.stamps.get(relative) or taken
                images = tuple((file, self._image_print(file)) for file in files)
                self.entries[relative] = Entry(stamp, read.article, warned, digest, place, images)
        gone = self.cached.keys() - self.entries.keys()
        save_entries(self.folder, self.entries, [*read_now, *gone])

    def _image_print(self, file: str) -> str:
        """The fingerprint of the file at `file` below content/ (as taken by the build's
        input stamp, if it was); "" if there is none."""
        name = os.path.join(self.content, *file.split("/"))
        return self.prints.get(name) or file_fingerprint(name) or ""

    def digests(self) -> tuple[bytes, ...]:
        """Each article's digest, in the order of their files."""
        return tuple(entry.digest for entry in self.entries.values())

    def places(self) -> tuple[bytes, ...]:
        """The digest of each article's place, in the order of their files."""
        return tuple(entry.place for entry in self.entries.values())

    def read_prints(self) -> dict[str, str]:
        """The fingerprint of each article file's bytes, as read, by its path as listed."""
        return {self.names[relative]: entry.stamp for relative, entry in self.entries.items()}


def _settings_key(reader: ArticleReader) -> str:
    """What an Article depends on besides its file: the key of its cache folder."""
    # The fields too: articles kept by a version of digest with other fields are
    # not taken for these.
    fields = tuple(field.name for field in dataclasses.fields(Article))
    # Every rule of the reader but where the site is: a rule added is never left out.
    rules = (f.name for f in dataclasses.fields(reader) if f.name != "site_dir")
    settings = tuple(repr(getattr(reader, name)) for name in rules)
    key = repr((__version__, FORMAT, (*settings, library_versions(), fields)))
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def load_entries(folder: Path) -> dict[str, Entry]:
    """The cached articles in `folder`, without those of missing or damaged shards."""
    entries: dict[str, Entry] = {}
    for shard in range(SHARDS):
        kept = load_pickle(_shard_file(folder, shard))
        if isinstance(kept, dict):
            entries.update(kept)
    return entries


def save_entries(folder: Path, entries: Mapping[str, Entry], changed: Iterable[str]) -> None:
    """Write the shards that hold the `changed` paths (of articles added, changed or gone)."""
    shards = {_shard_of(path) for path in changed}
    if not shards:
        return
    held: dict[int, dict[str, Entry]] = {shard: {} for shard in shards}
    for path, entry in entries.items():
        shard = _shard_of(path)
        if shard in held:
            held[shard][path] = entry
    for shard, part in held.items():
        save_pickle(_shard_file(folder, shard), part)


def _shard_of(path: str) -> int:
    return zlib.crc32(path.encode()) % SHARDS


def _shard_file(folder: Path, shard: int) -> Path:
    return folder / f"{shard:02d}.pickle"
