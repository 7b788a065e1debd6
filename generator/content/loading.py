"""The content stage: content/ -> LoadedContent, every problem of every file at once.

Each article is read on its own, over several processes; the result depends
on neither their number nor the cache. A cache (see `ArticleCache`) may
answer for the articles it has read before, and reads the others its own
way, noting what it wants to keep beside each; without one, every file is
read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Protocol

from generator.content.files import ARTICLE_SUFFIX, content_files
from generator.content.model import LoadedContent
from generator.content.reader import ArticleReader, Read, article_reader
from generator.errors import Problem, SiteError
from generator.parallel import ordered_map
from generator.progress import Progress, no_progress
from generator.settings.config import SiteConfig
from generator.urls import Urls


class ArticleCache(Protocol):
    """Articles read by an earlier build (see incremental/articles.py)."""

    def known(self, name: str, relative: str) -> Read | None:
        """What reading the file `name` (`relative` to the site) gives, if it is known."""

    def reading(self, reader: ArticleReader) -> Callable[[Path], Read]:
        """How to read the files not known: picklable, run in worker processes."""

    def keep(self, reads: Mapping[str, Read], read_now: list[str]) -> None:
        """Take what this build read (every article, by relative path, in the order of
        their files; `read_now`: the paths read rather than known)."""


class NoCache:
    """Every file read, nothing kept."""

    def known(self, name: str, relative: str) -> Read | None:
        return None

    def reading(self, reader: ArticleReader) -> Callable[[Path], Read]:
        return reader.read

    def keep(self, reads: Mapping[str, Read], read_now: list[str]) -> None:
        pass


def read_content(
    site_dir: Path,
    config: SiteConfig,
    urls: Urls,
    jobs: int = 1,
    progress: Progress = no_progress,
    cache: ArticleCache | None = None,
) -> LoadedContent:
    """Read every article under `site_dir/content` over `jobs` processes; raise SiteError
    listing all problems. (Six parameters: the stage's inputs, its two ways of
    working and its one hook.)"""
    cache = cache or NoCache()
    root = site_dir / "content"
    if not root.is_dir():
        raise SiteError([Problem("content", None, f"no content/ folder in {site_dir}")])
    problems: list[Problem] = []
    articles, assets = _articles_and_assets(root, problems)
    reads, todo = _known(cache, articles)
    reading = cache.reading(article_reader(site_dir, config, urls))
    progress("reading", 0, len(todo))
    for done, read in enumerate(ordered_map(reading, [Path(n) for n, _ in todo], jobs)):
        progress("reading", done + 1, len(todo))
        reads[todo[done][1]] = read
    errors = [p for _, relative in todo for p in reads[relative].problems if not p.warning]
    ordered = {relative: reads[relative] for _, relative in articles}
    warnings = [*problems, *(p for read in ordered.values() for p in read.problems if p.warning)]
    loaded = LoadedContent(
        articles=tuple(read.article for read in ordered.values() if read.article is not None),
        assets=assets,
        warnings=tuple(sorted(warnings)),
    )
    if errors:
        raise ContentErrors(errors, loaded)
    cache.keep(ordered, [relative for _, relative in todo])
    return loaded


class ContentErrors(SiteError):
    """The problems of the files that could not be read, with what the others gave
    (`loaded`), for a check that goes on with them."""

    def __init__(self, problems: Iterable[Problem], loaded: LoadedContent) -> None:
        super().__init__(problems)
        self.loaded = loaded


def _known(
    cache: ArticleCache, articles: list[tuple[str, str]]
) -> tuple[dict[str, Read], list[tuple[str, str]]]:
    """What `cache` knows of `articles` (file, path from the site), by path, and the
    articles it does not know, to be read."""
    reads: dict[str, Read] = {}
    todo = []
    for name, relative in articles:
        known = cache.known(name, relative)
        if known is not None:
            reads[relative] = known
        else:
            todo.append((name, relative))
    return reads, todo


def _is_article(name: str) -> bool:
    return name.endswith(ARTICLE_SUFFIX)


def _articles_and_assets(
    root: Path, problems: list[Problem]
) -> tuple[list[tuple[str, str]], tuple[str, ...]]:
    """The files under `root` (content/): each article's path, and its path from the
    site's folder (`content/...`); and every other file's path below `root`."""
    files = content_files(root, problems)
    start = len(str(root)) + 1  # of each file's path below content/
    below = [name[start:].replace(os.sep, "/") for name in files]
    articles = [(n, f"content/{b}") for n, b in zip(files, below, strict=True) if _is_article(n)]
    assets = tuple(b for n, b in zip(files, below, strict=True) if not _is_article(n))
    return articles, assets
