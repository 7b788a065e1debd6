"""What assembling the site worked out, kept for builds whose articles keep their places."""

from __future__ import annotations

from pathlib import Path

from generator import __version__
from generator.incremental.store import indexes_file, keep, load_kept, pickled_digest
from generator.settings.config import SiteConfig
from generator.site.model import KeptIndexes


class KeptIndexesFile:
    """The site stage's memo (see `site.assemble.IndexMemo`): the indexes of the last build,
    taken again while every article keeps its place (`places`, see assembled.py) and
    the settings are the same."""

    def __init__(self, site_dir: Path, places: str, config: SiteConfig) -> None:
        self.path = indexes_file(site_dir)
        self.key = pickled_digest((__version__, places, config)).hex()

    def recall(self) -> KeptIndexes | None:
        return load_kept(self.path, self.key, KeptIndexes)

    def remember(self, indexes: KeptIndexes) -> None:
        keep(self.path, self.key, indexes)
