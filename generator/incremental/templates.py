"""Templates kept compiled between builds (Jinja2's bytecode), one checked file each."""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2
import jinja2.bccache

from generator import __version__
from generator.incremental.store import (
    CACHE_DIR,
    library_versions,
    load_checked,
    save_checked,
)
from generator.settings.config import SiteConfig
from generator.urls import Urls


def compiled_templates(site_dir: Path, config: SiteConfig, urls: Urls) -> CompiledTemplates:
    """The compiled templates of a site, for its settings."""
    salt = repr((__version__, library_versions(), config, urls))
    return CompiledTemplates(site_dir / CACHE_DIR / "templates", salt)


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates kept compiled between builds, one checked file each.

    Jinja2 takes a compiled template only for the source it was compiled
    from; a file that is damaged is as good as missing. A helper given a
    constant (`{{ 'style.css' | href }}`) is worked out as the template is
    compiled, so the files are kept apart for other settings (`salt`).
    """

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = salt

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.salt}\0{name}\0{filename}".encode()).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        payload = load_checked(self.folder / bucket.key)
        if payload is not None:
            bucket.bytecode_from_string(payload)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        save_checked(self.folder / bucket.key, bucket.bytecode_to_string())
