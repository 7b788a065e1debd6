"""What `digest import` reads: files (a plain-text article, or a feed of any kind,
known by its name or its first bytes), and URLs, which it refuses with the command
that downloads them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from generator.intake.feedimport import feed_entries
from generator.intake.incoming import Incoming
from generator.intake.jsonfeedimport import json_feed_items, load_json
from generator.intake.plaintext import Refused
from generator.settings.config import SiteConfig

FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
# Markup (after any byte order mark and blank space) is read as a feed whatever the file's
# name: a plain-text article never starts with "<", and HTML pages get refused as "not a feed".
_MARKUP_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*<")
# A `.json` file, or one that starts with "{" and parses as JSON, is read as a JSON Feed.
_OBJECT_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*\{")
# A URL given to import; `feed:` is the pseudo-scheme of feed links, as
# `feed://host/x` or `feed:https://host/x`.
URL = re.compile(r"(?:feed:)?(?:https?|feed)://", re.IGNORECASE)


def url_refusal(url: str) -> str:
    """Why a URL is refused, with the command that downloads it."""
    web = re.sub(r"^feed:(?=https?:)", "", url, flags=re.IGNORECASE)
    web = re.sub(r"^feed:", "http:", web, flags=re.IGNORECASE)
    name = "feed.json" if web.lower().endswith(".json") else "feed.xml"
    return f"a URL: digest import reads files; download it first (e.g. curl -o {name} {web})"


def read_input(path: Path, config: SiteConfig) -> tuple[bytes, dt.datetime]:
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


def check_size(data: bytes, config: SiteConfig) -> None:
    """Refuse a plain-text article over the limit of an article (a feed may be longer)."""
    limit = config.max_article_bytes
    if len(data) > limit:
        message = f"file is {len(data):,} bytes, over the limit of {limit:,} (max_article_bytes)"
        raise Refused(message)


def feed_entries_of(name: str, data: bytes, base: str) -> list[Callable[[], Incoming]] | None:
    """The entries of `data` (a file called `name`, from the URL `base` if fetched) if it
    is a feed, else None; raise Refused for a feed, or JSON, that cannot be read."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in FEED_SUFFIXES or _MARKUP_START.match(data[:1000]):
        return feed_entries(data, base)
    if suffix == ".json" or _OBJECT_START.match(data[:1000]):
        return _json_feed(suffix, decode(data), base)
    return None


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(f"not UTF-8 text (byte {exc.start})") from None


def _json_feed(suffix: str, text: str, base: str) -> list[Callable[[], Incoming]] | None:
    """The items of a JSON Feed, or None for a text that is not JSON and not named `.json`
    (a plain-text article may start with "{"); raise Refused for other JSON."""
    try:
        document = load_json(text.removeprefix("\ufeff"))
    except Refused:
        if suffix == ".json":
            raise
        return None
    return json_feed_items(document, base)
