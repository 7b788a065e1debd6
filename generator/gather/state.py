"""What `digest fetch` keeps between runs, in `.digest-cache/fetch.json`: each feed's
validators (ETag, Last-Modified) and the ids of the entries it last had.

Losing it costs one full download of each feed, never an article: entries are
told apart by their ids, which the articles themselves hold. So a file that
cannot be read is taken as empty, and it is written atomically, and only when
something in it changed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.gather.http import Validators
from generator.incremental.store import CACHE_DIR, write_atomically

STATE_FILE = "fetch.json"
_VERSION = 1


@dataclass(frozen=True)
class Kept:
    """What is kept of one feed."""

    validators: Validators = field(default_factory=Validators)
    seen: tuple[str, ...] = ()  # the ids of its entries at the last fetch, sorted


def state_file(site_dir: Path) -> Path:
    return site_dir / CACHE_DIR / STATE_FILE


def load_state(site_dir: Path) -> dict[str, Kept]:
    """What is kept of each feed, by its URL, as the last fetch left it."""
    try:
        document = json.loads(state_file(site_dir).read_text(encoding="utf-8"))
        feeds = document["feeds"] if document.get("version") == _VERSION else {}
        return {str(url): _kept(feed) for url, feed in feeds.items()}
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return {}


def _kept(feed: dict[str, object]) -> Kept:
    validators = Validators(str(feed.get("etag", "")), str(feed.get("last_modified", "")))
    seen = feed.get("seen", [])
    if not isinstance(seen, list):
        raise TypeError("seen is not a list")
    return Kept(validators, tuple(sorted(str(entry) for entry in seen)))


def save_state(site_dir: Path, state: Mapping[str, Kept]) -> None:
    """Keep `state`, unless it is what is kept already."""
    if dict(state) == load_state(site_dir):
        return
    feeds = {
        url: {
            "etag": kept.validators.etag,
            "last_modified": kept.validators.last_modified,
            "seen": list(kept.seen),
        }
        for url, kept in sorted(state.items())
    }
    text = json.dumps({"version": _VERSION, "feeds": feeds}, indent=1, ensure_ascii=False)
    write_atomically(state_file(site_dir), (text + "\n").encode("utf-8"))
