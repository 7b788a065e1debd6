"""The cached build: the pipeline's stages with the cache's hooks, and two shortcuts.

A build whose inputs and output folder are as the last build left them
does nothing (see record.py). Any other runs the pipeline's own stages
(pipeline.py) with the hooks of this layer: articles already read
(articles.py), the site's indexes already worked out (indexes.py),
templates already compiled (templates.py), outputs whose files were made
from the same key (keys.py), and the spare output tree as the staging
folder (spare.py). A build after edits to the text of articles alone takes
the second shortcut: it plans, keys and writes only the outputs that show
them (edits.py). Everything it finds is recorded for the next build.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass

import jinja2

from generator import pipeline
from generator.content.reader import article_reader
from generator.errors import Problem, SiteError
from generator.incremental.articles import ArticleStore
from generator.incremental.assembled import Assembled, places_print
from generator.incremental.edits import Edits, ShownBy, text_edits
from generator.incremental.indexes import KeptIndexesFile
from generator.incremental.keys import KeyedOutputs, OutputKeys
from generator.incremental.lock import build_lock
from generator.incremental.outputscan import OutputScan
from generator.incremental.record import (
    BuildRecord,
    Hashed,
    InputStamp,
    Recorded,
    input_stamp,
    load_hashed,
    load_record,
    output_files,
    save_hashed,
    save_record,
)
from generator.incremental.spare import Known, SpareStaging, write_changes
from generator.incremental.store import (
    hashed_file,
    keep,
    load_kept,
    record_file,
    remove,
    shown_file,
    spare_output,
)
from generator.incremental.templates import compiled_templates
from generator.outputs import CopiedFile, Output
from generator.pipeline import BuildOptions, BuildResult, Settings
from generator.site.assemble import first_due
from generator.site.model import Site
from generator.variants import ResizedImage
from generator.write.write import WriteHooks, WriteReport, write_site


@dataclass(frozen=True)
class Last:
    """What the last build into this output folder left: its record, and the scan of the
    output folder since (see outputscan.py)."""

    record: BuildRecord | None
    scan: OutputScan


def build(options: BuildOptions) -> BuildResult:
    """Build the site of `options`, making again only what changed since the last build;
    with `options.cache` off, the pipeline alone. Either holds the site's build lock
    (lock.py) throughout."""
    with build_lock(options.site_dir, options.wait, required=options.cache):
        if not options.cache:
            return pipeline.build(options)
        return _cached(options)


def _cached(options: BuildOptions) -> BuildResult:
    """`build` with the cache on."""
    started, now = time.perf_counter(), pipeline.build_time()
    settings = pipeline.read_settings(options, now)
    record = load_record(record_file(settings.site_dir, settings.out_dir))
    # The files the record lists are looked at in another process meanwhile.
    spare = spare_output(settings.site_dir, settings.out_dir)
    with OutputScan(settings.out_dir, record.files if record else {}, spare) as scan:
        result = _build(options, settings, Last(record, scan))
    seconds = time.perf_counter() - started
    settings.progress("done", 1, 1)
    return dataclasses.replace(result, seconds=seconds)


def _build(options: BuildOptions, settings: Settings, last: Last) -> BuildResult:
    """`build`, with what the last build left."""
    record, now = last.record, settings.selection.now
    assert now is not None
    # With no record to compare with, the articles are hashed as they are read.
    stamp = _input_stamp(options, settings, read_later=record is None)
    if record is not None and record.current(stamp.whole, now, last.scan.changed):
        return _unchanged(record)
    if record is not None and record.frame == stamp.frame:
        last.scan.look_for_strays()  # for a build after edits (see edits.py), while reading
    assembled, store = assemble(settings, stamp.prints)
    if record is None:  # the articles as they were read
        stamp = _keep_hashes(settings, stamp.taken(store.read_prints()))
    settings.progress("planning", 0, 1)
    edits = _text_edits(settings, last, stamp, assembled)
    if record is not None and edits is not None:
        report = _write_edits(settings, last, assembled, edits)
        counts = (record.articles, record.pages, record.feeds, record.assets)
        warnings = pipeline.warnings(assembled.content, assembled.site)
        site, env = assembled.site, assembled.env
        result = BuildResult(*counts, report, 0.0, warnings, site, env, edits.articles)
        _remember(settings, stamp, result, assembled, (record.files, edits.shown))
        return result
    result = _write_whole(settings, last, assembled, stamp)
    _remember(settings, stamp, result, assembled, ({}, None))
    return result


def assemble(settings: Settings, prints: dict[str, str]) -> tuple[Assembled, ArticleStore]:
    """The content, site and templates stages with the cache's hooks, and the output keys:
    the site as a cached build has it. `prints` are the fingerprints of article
    files already taken."""
    reader = article_reader(settings.site_dir, settings.config, settings.urls)
    store = ArticleStore(settings.site_dir, reader, prints)
    content = pipeline.load_content(settings, store)
    places = places_print(content.articles, store.places())
    memo = KeptIndexesFile(settings.site_dir, places, settings.config)
    site = pipeline.assemble_site(settings, content, memo)
    compiled = compiled_templates(settings.site_dir, settings.config, settings.urls)
    env = pipeline.load_templates(settings, compiled)
    keys = OutputKeys(env, settings.config)
    digests = store.digests()
    keys.know(content.articles, digests)
    return Assembled(content, site, env, keys, digests, places), store


def assemble_from_cache(options: BuildOptions) -> tuple[Site, jinja2.Environment]:
    """The site and templates as a build now would have them, from the cache where it can."""
    settings = pipeline.read_settings(options, pipeline.build_time())
    assembled, _ = assemble(settings, {})
    return assembled.site, assembled.env


def _text_edits(
    settings: Settings, last: Last, stamp: InputStamp, assembled: Assembled
) -> Edits | None:
    """The edits to the text of articles since the last build, if nothing else changed
    (and the site has no search index, which every article's text goes into)."""
    if last.record is None or settings.config.makes("search"):
        return None
    assert settings.selection.now is not None
    site_dir, out_dir, kept = settings.site_dir, settings.out_dir, last.record.stamp
    shown = functools.partial(load_kept, shown_file(site_dir, out_dir), kept, ShownBy)
    changed, now = last.scan.changed, settings.selection.now
    return text_edits(last.record, stamp, assembled, changed, now, shown)


def _write_edits(settings: Settings, last: Last, assembled: Assembled, edits: Edits) -> WriteReport:
    """Write the outputs that show the edited articles, catching the spare up (see spare.py)."""
    assert last.record is not None
    previous = last.record.files
    check = KeyedOutputs(assembled.keys, previous)
    live = last.scan.strays
    known = Known(check, edits.stale, live, settings.jobs, settings.progress, last.scan.unlinked)
    spare = spare_output(settings.site_dir, settings.out_dir)
    assembled.keys.read_templates(edits.outputs)
    return write_changes(settings.out_dir, edits.outputs, spare, known)


def _write_whole(
    settings: Settings, last: Last, assembled: Assembled, stamp: InputStamp
) -> BuildResult:
    """The plan and write stages with the cache's hooks: every output listed, those whose
    files were made from the same key kept."""
    started = time.perf_counter()
    plan = pipeline.plan_site(settings, assembled.site, assembled.env, assembled.content)
    _check_as_stamped(plan.assets, stamp)
    previous = last.record.files if last.record is not None else {}
    assembled.keys.read_templates(plan.outputs)
    check = KeyedOutputs(assembled.keys, previous)
    hooks = WriteHooks(check, SpareStaging(spare_output(settings.site_dir, settings.out_dir)))
    jobs, progress = settings.jobs, settings.progress
    report = write_site(settings.out_dir, plan.outputs, jobs, progress, hooks, plan.index)
    return pipeline.built(plan, report, started, assembled.content, assembled.env)


def _check_as_stamped(assets: Iterable[Output], stamp: InputStamp) -> None:
    """Fail if a file copied as it is (or resized) changed since the inputs were
    fingerprinted: the record would say this build made it from other bytes than it did."""
    prints = stamp.prints
    for output in assets:
        source = output.source
        if not isinstance(source, CopiedFile | ResizedImage):
            continue
        if prints.get(str(source.path), source.fingerprint) != source.fingerprint:
            message = "changed while the site was built; build again"
            raise SiteError([Problem(output.origin, None, message)])


def _input_stamp(options: BuildOptions, settings: Settings, read_later: bool) -> InputStamp:
    """The fingerprints of the build's inputs (see record.py); with `read_later`,
    articles not hashed before are hashed as they are read."""
    folders = settings.theme.template_dirs
    choices = (options.drafts, options.future, options.base_url, str(settings.out_dir))
    hashed = load_hashed(hashed_file(settings.site_dir))
    stamp = input_stamp(settings.site_dir, folders, choices, hashed, read_later)
    return stamp if read_later else _keep_hashes(settings, stamp, hashed)


def _keep_hashes(settings: Settings, stamp: InputStamp, kept: Hashed | None = None) -> InputStamp:
    """Keep the hashes of `stamp` for the next build, if they are not those `kept`."""
    hashed = stamp.hashed
    if hashed != kept:
        save_hashed(hashed_file(settings.site_dir), hashed)
    return stamp


def _unchanged(record: BuildRecord) -> BuildResult:
    """The result of the last build, for a build that found nothing to do."""
    report = WriteReport(written=0, unchanged=len(record.files), removed=0, made=0)
    counts = (record.articles, record.pages, record.feeds, record.assets)
    return BuildResult(*counts, report, 0.0, record.problems)


def _remember(
    settings: Settings,
    stamp: InputStamp,
    result: BuildResult,
    assembled: Assembled,
    kept: tuple[Recorded, ShownBy | None],
) -> None:
    """Record the build; `kept` holds the records of the files it did not look at, and
    which outputs show each article, if the build worked it out. (Five parameters:
    the build, what it found, and what it took from the last one.)"""
    site_dir, out_dir = settings.site_dir, settings.out_dir
    files, shown = kept
    content = assembled.content
    due = first_due(content.articles, settings.selection, settings.config)
    assert settings.selection.now is not None
    record = BuildRecord(
        stamp=stamp.whole,
        files={**files, **output_files(out_dir, result.report.keys)},
        articles=result.articles,
        pages=result.pages,
        feeds=result.feeds,
        assets=result.assets,
        warnings=[(p.path, p.line, p.message, p.warning) for p in result.warnings],
        built_at=settings.selection.now.isoformat(),
        due=due.isoformat() if due else None,
        frame=stamp.frame,
        places=assembled.places,
        digests={a.path: d for a, d in zip(content.articles, assembled.digests, strict=True)},
    )
    save_record(record_file(site_dir, out_dir), record)
    kept_shown = shown_file(site_dir, out_dir)
    if shown is not None:  # for the next build, whose record this is
        keep(kept_shown, stamp.whole, shown)
    else:  # what was kept is for the record this build replaced
        remove(kept_shown)
