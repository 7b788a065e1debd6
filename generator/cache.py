"""The build cache in `.digest-cache/`: articles already read, and the site before the last.

Reading an article (YAML, then Markdown to HTML) is most of a build's work,
so the Article made from a file is kept, keyed on the file's bytes. A cache
file belongs to one combination of everything else an Article depends on
(the generator's version and the settings that shape it); any other
combination gets its own file. A cache file starts with the SHA-256 of the
rest: a damaged or edited file is ignored and rebuilt, never trusted.

The spare output is the site as it was two builds ago; the next build brings
it up to date and swaps it with the output folder (see write.py), which is
much cheaper than making a whole new folder tree.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import platform
import tempfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__

if TYPE_CHECKING:
    from generator.content import Article
    from generator.errors import Problem

CACHE_DIR = ".digest-cache"
LIBRARIES = ("markdown", "jinja2", "markupsafe", "pyyaml", "feedgen", "nh3", "lxml", "tzdata")
# site-relative path -> (SHA-256 of the file's bytes, its Article, its warnings)
Entries = dict[str, tuple[str, "Article", tuple["Problem", ...]]]


def cache_file(site_dir: Path, settings: tuple[object, ...]) -> Path:
    """The cache file for articles read with these settings."""
    key = hashlib.sha256(repr((__version__, settings)).encode()).hexdigest()[:20]
    return site_dir / CACHE_DIR / f"articles-{key}.pickle"


def spare_output(site_dir: Path, out_dir: Path) -> Path:
    """Where the site before the current one is kept, to be updated into the next one."""
    return site_dir / CACHE_DIR / f"output-{_folder_key(out_dir)}"


def record_file(site_dir: Path, out_dir: Path) -> Path:
    """Where the record of the last build into `out_dir` is kept (see uptodate.py)."""
    return site_dir / CACHE_DIR / f"build-{_folder_key(out_dir)}.json"


def _folder_key(out_dir: Path) -> str:
    return hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:20]


def serve_output(site_dir: Path) -> Path:
    """Where `digest serve` builds: in the cache, never in the output folder."""
    return site_dir / CACHE_DIR / "serve"


def load_entries(path: Path) -> Entries:
    """The cached articles in `path`; empty if it is missing, damaged or not ours."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    digest, payload = data[:32], data[32:]
    if hashlib.sha256(payload).digest() != digest:
        return {}
    try:
        entries = pickle.loads(payload)
    except Exception:  # a payload of another version of the classes: start again
        return {}
    return entries if isinstance(entries, dict) else {}


def save_entries(path: Path, entries: Entries) -> None:
    """Write the cache file atomically, so that a killed build cannot leave half of it."""
    payload = pickle.dumps(dict(entries), protocol=pickle.HIGHEST_PROTOCOL)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(hashlib.sha256(payload).digest() + payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def library_versions() -> tuple[str, ...]:
    """The versions of Python and of the libraries whose output ends up in the site."""
    found = [platform.python_version()]
    for name in LIBRARIES:
        try:
            found.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            found.append("")
    return tuple(found)
