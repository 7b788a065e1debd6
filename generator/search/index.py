"""The search index: Pagefind's bundle of the site's articles, made from the staged site.

The write stage (write/write.py) asks for it once the new site's pages are
staged and before the new site goes live, so a site and its index always
match and an index that fails leaves the old site in place. Only the
article pages are given to Pagefind (hard links to the staged files, in a
folder of their own beside the staging folder), and their templates mark
what it reads: the article (`data-pagefind-body`) with its title, date,
tags, source and year (see the theme's article.html).

The bundle's files are outputs like any other, so a file whose bytes are the
same as the live one's is kept as it is. Each is keyed on the keys of the
indexed pages, with Pagefind's version: when none of those pages changed,
the files are kept without running Pagefind at all. The same pages make the
same bytes (see canonical.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.errors import Problem, SiteError
from generator.outputs import Output
from generator.progress import Progress, no_progress
from generator.search.canonical import canonical
from generator.search.pagefind import executable, index_site, version
from generator.write.files import lstat
from generator.write.stager import OutputCheck
from generator.write.tree import walk

BUNDLE = "pagefind/"  # where the bundle is published, below the site's base path
# Files of Pagefind's bundle the theme does not load: its ready-made interfaces and its
# highlighter. Left out so that a site publishes only what its search page uses.
_UNUSED = re.compile(r"pagefind-(component-|modular-)?ui\.(js|css)|pagefind-highlight\.js")
_ORIGIN = "search index"


@dataclass(frozen=True)
class SearchIndex:
    """The index of a site's search page: Pagefind's bundle of `pages`."""

    pages: tuple[str, ...]  # the output files indexed, each an article's page

    @contextlib.contextmanager
    def bundle(
        self,
        staged: Path,
        live: Path,
        keys: Mapping[str, str],
        check: OutputCheck,
        progress: Progress = no_progress,
    ) -> Iterator[Sequence[Output]]:
        """The bundle's files as outputs, for as long as the block lasts: those of the live
        site if `check` finds them made from the same pages (keyed as in `keys`), else
        a new bundle of the pages staged in `staged`. (Five parameters: the two folders,
        the two ways of knowing what is current, and progress.)"""
        if not self.pages:  # nothing to search: no bundle (Pagefind fails on no pages)
            yield ()
            return
        program = executable()
        key = _key(version(program), (keys.get(page, "") for page in self.pages))
        kept = _kept(live, key, check)
        if kept:
            yield kept
            return
        work = staged.with_name(f"{staged.name}.search")
        shutil.rmtree(work, ignore_errors=True)  # left by a build that was killed
        try:
            progress("indexing", 0, 1)
            _link_pages(staged, work / "site", self.pages)
            index_site(program, work / "site", work / "bundle")
            canonical(work / "bundle")
            yield _made(work / "bundle", key)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _key(pagefind: str, page_keys: Iterator[str]) -> str:
    """What the bundle is made from: Pagefind's version and the pages' keys."""
    digest = hashlib.sha256(pagefind.encode())
    for page_key in page_keys:
        digest.update(b"\0" + page_key.encode())
    return digest.hexdigest()


def _kept(live: Path, key: str, check: OutputCheck) -> list[Output]:
    """The bundle's files the last build wrote, if every one of them is in the live
    folder as written, from `key`; else none."""
    files = check.recorded(BUNDLE)
    for file in files:
        stat = lstat(f"{live}/{file}")
        if stat is None or not check.current(file, key, stat):
            return []
    return [Output(file, _ORIGIN, _changed_meanwhile, key) for file in files]


def _changed_meanwhile() -> bytes:
    """The maker of a kept file, asked for only if it changed since it was checked."""
    message = "the search index changed in the output folder during the build; build again"
    raise SiteError([Problem(_ORIGIN, None, message)])


def _link_pages(staged: Path, site: Path, pages: Sequence[str]) -> None:
    """A folder of `pages` alone, as links to their files in `staged` (else copies)."""
    for page in pages:
        target = site / page
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(staged / page, target)
        except OSError:
            shutil.copyfile(staged / page, target)


def _made(bundle: Path, key: str) -> list[Output]:
    """The files of the new bundle at `bundle` that the site publishes, as outputs."""
    files = sorted(file for file in walk(bundle).files if not _UNUSED.fullmatch(file))
    return [Output(f"{BUNDLE}{file}", _ORIGIN, (bundle / file).read_bytes, key) for file in files]
