"""The build pipeline, top to bottom: read, assemble, render, write."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from generator import __version__
from generator.content.articles import Article, LoadedContent, Progress, load_content, no_progress
from generator.errors import Problem, SiteError
from generator.feeds.feeds import feed_outputs
from generator.incremental.edits import ShownBy, places_print, text_edits
from generator.incremental.keys import OutputKeys
from generator.incremental.outputscan import OutputScan
from generator.incremental.record import (
    BuildRecord,
    Hashed,
    InputStamp,
    input_stamp,
    load_hashed,
    load_record,
    output_files,
    save_hashed,
    save_record,
)
from generator.incremental.store import (
    hashed_file,
    indexes_file,
    keep,
    load_kept,
    pickled_digest,
    record_file,
    shown_file,
    spare_output,
    templates_folder,
)
from generator.pages.render import page_outputs
from generator.parallel import default_jobs
from generator.settings.config import SiteConfig, load_config
from generator.site.assemble import KeptIndexes, Selection, Site, assemble, assemble_again
from generator.theme.environment import Theme, locate_theme, make_environment
from generator.urls import Urls
from generator.write.outputs import Output, check_outputs, file_output
from generator.write.write import WriteReport, Written, write_changes, write_output


@dataclass(frozen=True)
class BuildOptions:
    """What a `digest build` was asked to do."""

    site_dir: Path
    output_dir: Path | None = None
    base_url: str | None = None
    drafts: bool = False
    future: bool = False
    progress: Progress = no_progress
    jobs: int = field(default_factory=default_jobs)
    cache: bool = True


@dataclass(frozen=True)
class AssembledSite:
    """The site read and assembled, with the templates it is rendered with."""

    site: Site
    env: jinja2.Environment
    keys: OutputKeys
    content: LoadedContent
    due: dt.datetime | None  # when the first article left out as future gets published
    places: str  # the fingerprint of every article's place in the site (see edits.py)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return self.content.warnings + self.site.warnings


@dataclass(frozen=True)
class BuildResult:
    articles: int
    pages: int
    feeds: int
    assets: int
    report: WriteReport
    seconds: float
    warnings: tuple[Problem, ...] = field(default=())
    assembled: AssembledSite | None = field(default=None, repr=False)  # None: nothing to do
    # The articles whose text alone changed, when only the outputs showing them
    # were looked at (see edits.py); None when the whole site was.
    edited: frozenset[str] | None = None

    def summary(self) -> str:
        """The one line a build prints."""
        report = self.report
        return (
            f"built {self.articles} articles: {self.pages} pages, {self.feeds} feeds, "
            f"{self.assets} files in {self.seconds:.2f}s; {len(self.warnings)} warnings "
            f"({report.made} rendered, {report.written} written, {report.unchanged} unchanged, "
            f"{report.removed} removed)"
        )


@dataclass(frozen=True)
class PlannedSite:
    """Everything a build would write, before it is made."""

    site: Site
    pages: tuple[Output, ...]
    feeds: tuple[Output, ...]
    assets: tuple[Output, ...]
    warnings: tuple[Problem, ...]
    due: dt.datetime | None  # when the first article left out as future gets published
    env: jinja2.Environment  # the templates the pages were planned with

    @property
    def outputs(self) -> tuple[Output, ...]:
        return self.pages + self.feeds + self.assets

    @property
    def counts(self) -> tuple[int, int, int, int]:
        """How many articles, pages, feeds and other files."""
        return len(self.site.articles), len(self.pages), len(self.feeds), len(self.assets)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while in this block (see build)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@collector_paused()
def build(options: BuildOptions) -> BuildResult:
    """Build the site described by `options`; raise SiteError listing every problem.

    With the cache on, a build whose inputs and output are as the last build
    left them does nothing (see uptodate.py), one after edits to the text of
    articles only looks at the outputs that show them (see edits.py), and any
    build makes again only the outputs whose inputs changed (see keys.py).

    A build keeps a million objects or so alive to its end and makes few
    reference cycles, so Python's cycle collector, which would go through the
    growing heap again and again, is paused in this process (a tenth of a
    build after an edit); the worker processes run it as usual.
    """
    started, now = time.perf_counter(), build_time()
    out_dir = output_dir(options)
    record = load_record(record_file(options.site_dir, out_dir)) if options.cache else None
    # The files the record lists are looked at in another process meanwhile.
    with OutputScan(out_dir, record.files if record else {}) as scan:
        return _build(options, out_dir, record, scan, started, now)


def _build(
    options: BuildOptions,
    out_dir: Path,
    record: BuildRecord | None,
    scan: OutputScan,
    started: float,
    now: dt.datetime,
) -> BuildResult:
    """`build`, with the last build's `record` and its output files being looked at."""
    # With no record to compare with, the articles are hashed as they are read.
    stamp = _input_stamp(options, out_dir, record is None) if options.cache else None
    if record is not None and stamp is not None and record.current(stamp.whole, now, scan.changed):
        options.progress("done", 1, 1)
        return _unchanged(record, time.perf_counter() - started)
    prints = stamp.prints if stamp else {}
    if record is not None and stamp is not None and record.frame == stamp.frame:
        scan.look_for_strays()  # for a build after edits (see edits.py), while reading
    assembled = assemble_site(options, prints, now)
    if stamp is not None and record is None:  # the articles as they were read
        stamp = _keep_hashes(options, stamp.taken(assembled.content.prints))
    options.progress("planning", 0, 1)
    edits = None
    if record is not None and stamp is not None:
        shown = functools.partial(_kept_shown, options.site_dir, out_dir, record.stamp)
        edits = text_edits(record, stamp, assembled, scan.changed, now, shown)
    spare = spare_output(options.site_dir, out_dir)
    jobs, progress = options.jobs, options.progress
    if record is not None and edits is not None:
        counts, kept = (record.articles, record.pages, record.feeds, record.assets), record.files
        report = write_changes(
            out_dir, edits.outputs, spare, record.files, edits.stale, jobs, progress, scan.strays
        )
    else:
        planned = plan_outputs(options, assembled, prints)
        counts, kept = planned.counts, {}
        previous = record.files if record is not None else {}
        cached = spare if options.cache else None
        report = write_output(out_dir, planned.outputs, cached, previous, jobs, progress)
    seconds = time.perf_counter() - started
    edited = edits.articles if edits is not None else None
    result = BuildResult(*counts, report, seconds, assembled.warnings, assembled, edited)
    if stamp is not None:
        _remember(
            options.site_dir, out_dir, stamp, now, result, kept, edits.shown if edits else None
        )
    options.progress("done", 1, 1)
    return result


def _input_stamp(options: BuildOptions, out_dir: Path, read_later: bool) -> InputStamp:
    """The fingerprints of the build's inputs (see uptodate.py); with `read_later`,
    articles not hashed before are hashed as they are read."""
    folders = locate_theme(options.site_dir).template_dirs
    choices = (options.drafts, options.future, options.base_url, str(out_dir))
    hashed = load_hashed(hashed_file(options.site_dir))
    stamp = input_stamp(options.site_dir, folders, choices, hashed, read_later)
    return stamp if read_later else _keep_hashes(options, stamp, hashed)


def _keep_hashes(
    options: BuildOptions, stamp: InputStamp, kept: Hashed | None = None
) -> InputStamp:
    """Keep the hashes of `stamp` for the next build, if they are not those `kept`."""
    hashed = stamp.hashed
    if hashed != kept:
        save_hashed(hashed_file(options.site_dir), hashed)
    return stamp


def _kept_shown(site_dir: Path, out_dir: Path, stamp: str) -> ShownBy | None:
    """Which outputs show each article, as the build that left the output folder as it
    is (with this stamp) found, if it did."""
    return load_kept(shown_file(site_dir, out_dir), stamp, ShownBy)


def _unchanged(record: BuildRecord, seconds: float) -> BuildResult:
    """The result of the last build, for a build that found nothing to do."""
    report = WriteReport(written=0, unchanged=len(record.files), removed=0, made=0)
    counts = (record.articles, record.pages, record.feeds, record.assets)
    return BuildResult(*counts, report, seconds, record.problems)


def _remember(
    site_dir: Path,
    out_dir: Path,
    stamp: InputStamp,
    now: dt.datetime,
    result: BuildResult,
    kept: Written,
    shown: ShownBy | None,
) -> None:
    """Record the build; `kept` are the records of the files it did not look at, and
    `shown` which outputs show each article, if the build worked it out."""
    assert result.assembled is not None
    content, due = result.assembled.content, result.assembled.due
    record = BuildRecord(
        stamp=stamp.whole,
        files={**kept, **output_files(out_dir, result.report.keys)},
        articles=result.articles,
        pages=result.pages,
        feeds=result.feeds,
        assets=result.assets,
        warnings=[(p.path, p.line, p.message, p.warning) for p in result.warnings],
        built_at=now.isoformat(),
        due=due.isoformat() if due else None,
        frame=stamp.frame,
        places=result.assembled.places,
        digests={a.path: d for a, d in zip(content.articles, content.digests, strict=True)},
    )
    save_record(record_file(site_dir, out_dir), record)
    kept_shown = shown_file(site_dir, out_dir)
    if shown is not None:  # for the next build, whose record this is
        keep(kept_shown, stamp.whole, shown)
    else:  # what was kept is for the record this build replaced
        kept_shown.unlink(missing_ok=True)


def plan(options: BuildOptions, prints: Mapping[str, str] | None = None) -> PlannedSite:
    """Read and assemble the site and list its outputs, checked; make and write nothing.

    `prints` are fingerprints of input files already taken (see uptodate.py).
    """
    return plan_outputs(options, assemble_site(options, prints or {}), prints or {})


def assemble_site(
    options: BuildOptions, prints: Mapping[str, str], now: dt.datetime | None = None
) -> AssembledSite:
    """Read the site's settings, templates and articles, and assemble it as of `now`
    (by default, the build time)."""
    site_dir = options.site_dir
    overrides = {"base_url": options.base_url} if options.base_url else {}
    config = load_config(site_dir, overrides)
    urls = Urls(config.base_url, config.permalink)
    content = load_content(
        site_dir, config, urls, options.jobs, options.progress, options.cache, prints
    )
    options.progress("assembling", 0, 1)
    now = now or build_time()
    selection = Selection(drafts=options.drafts, future=options.future, now=now)
    places = places_print(content)
    site = _assemble(options, content, config, urls, selection, places)
    compiled = templates_folder(site_dir) if options.cache else None
    env = make_environment(locate_theme(site_dir), config, urls, compiled)
    keys = OutputKeys(env, config)
    keys.know(content.articles, content.digests)
    due = _first_due(content.articles, selection)
    return AssembledSite(site, env, keys, content, due, places)


def _assemble(
    options: BuildOptions,
    content: LoadedContent,
    config: SiteConfig,
    urls: Urls,
    selection: Selection,
    places: str,
) -> Site:
    """`assemble`, with what the last build worked out (the order, tags, links and
    possible duplicates of the articles) taken again while the articles keep their
    places and the settings are the same."""
    if not options.cache:
        return assemble(content.articles, config, urls, selection)
    kept_in, key = (
        indexes_file(options.site_dir),
        pickled_digest((__version__, places, config)).hex(),
    )
    kept = load_kept(kept_in, key, KeptIndexes)
    site, found = assemble_again(content.articles, config, urls, selection, kept)
    if found is not kept:
        keep(kept_in, key, found)
    return site


def plan_outputs(
    options: BuildOptions, assembled: AssembledSite, prints: Mapping[str, str]
) -> PlannedSite:
    """Every output of the assembled site, checked."""
    site, env, keys = assembled.site, assembled.env, assembled.keys
    pages = page_outputs(site, env, keys)
    feeds = feed_outputs(site, env, keys)
    theme = locate_theme(options.site_dir)
    assets = collect_assets(options.site_dir, theme, assembled.content.assets, prints)
    check_outputs(pages + feeds + assets)
    return PlannedSite(
        site=site,
        pages=tuple(pages),
        feeds=tuple(feeds),
        assets=tuple(assets),
        warnings=assembled.warnings,
        due=assembled.due,
        env=env,
    )


def _first_due(articles: Sequence[Article], selection: Selection) -> dt.datetime | None:
    """When the earliest article left out for being in the future gets published."""
    if selection.future or selection.now is None:
        return None
    now = selection.now
    return min(
        (a.date for a in articles if a.date > now and (selection.drafts or not a.draft)),
        default=None,
    )


def output_dir(options: BuildOptions) -> Path:
    """The output folder, refused when writing there could delete the site's own files."""
    site_dir = options.site_dir.resolve()
    out = (options.output_dir or site_dir / "output").resolve()
    guarded = [site_dir / "content", site_dir / "layouts"]
    if (
        out == site_dir
        or site_dir.is_relative_to(out)
        or any(out.is_relative_to(g) for g in guarded)
    ):
        raise SiteError(
            [
                Problem(
                    str(out),
                    None,
                    "the output folder must not contain the site "
                    "or lie inside content/ or layouts/; choose another --output",
                )
            ]
        )
    return out


def build_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set (for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)


def collect_assets(
    site_dir: Path, theme: Theme, content_files: Sequence[str], prints: Mapping[str, str]
) -> list[Output]:
    """Theme static files (a site's own override the default theme's), then content files."""
    static: dict[str, tuple[Path, str]] = {}
    for folder in theme.static_dirs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            file = path.relative_to(folder).as_posix()
            static[file] = (path, f"{path.parent.parent.name}/static/{file}")
    files = [(file, path, origin) for file, (path, origin) in static.items()]
    files += [(f, site_dir / "content" / f, f"content/{f}") for f in content_files]
    return [file_output(file, path, origin, prints.get(str(path))) for file, path, origin in files]
