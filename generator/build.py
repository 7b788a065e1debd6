"""The build pipeline, top to bottom: read, assemble, render, write."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.cache import spare_output
from generator.config import load_config
from generator.content import Article, Progress, load_content, no_progress
from generator.errors import Problem, SiteError
from generator.feeds import render_feeds
from generator.parallel import default_jobs
from generator.render import Page, render_site
from generator.site import Selection, Site, assemble
from generator.theme import Theme, locate_theme, make_environment
from generator.uptodate import (
    BuildRecord,
    input_stamp,
    load_record,
    output_files,
    record_file,
    save_record,
)
from generator.urls import Urls
from generator.write import Asset, WriteReport, check_outputs, write_output


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
class BuildResult:
    articles: int
    pages: int
    feeds: int
    assets: int
    report: WriteReport
    seconds: float
    warnings: tuple[Problem, ...] = field(default=())

    def summary(self) -> str:
        """The one line a build prints."""
        report = self.report
        return (
            f"built {self.articles} articles: {self.pages} pages, {self.feeds} feeds, "
            f"{self.assets} files in {self.seconds:.2f}s; {len(self.warnings)} warnings "
            f"({report.written} written, {report.unchanged} unchanged, {report.removed} removed)"
        )


@dataclass(frozen=True)
class RenderedSite:
    """Everything a build would write, before it is written."""

    site: Site
    pages: tuple[Page, ...]
    feeds: tuple[Page, ...]
    assets: tuple[Asset, ...]
    warnings: tuple[Problem, ...]
    due: dt.datetime | None  # when the first article left out as future gets published


def build(options: BuildOptions) -> BuildResult:
    """Build the site described by `options`; raise SiteError listing every problem.

    With the cache on, a build whose inputs and output are as the last build
    left them does nothing (see uptodate.py).
    """
    started, now = time.perf_counter(), build_time()
    out_dir = output_dir(options)
    stamp, prints = _input_stamp(options, out_dir) if options.cache else (None, {})
    unchanged = _unchanged(options.site_dir, out_dir, stamp, now)
    if unchanged is not None:
        options.progress("done", 1, 1)
        return replace(unchanged, seconds=time.perf_counter() - started)
    rendered = render(options, prints)
    options.progress("writing", 0, 1)
    spare = spare_output(options.site_dir, out_dir) if options.cache else None
    report = write_output(out_dir, rendered.pages + rendered.feeds, rendered.assets, spare)
    result = BuildResult(
        articles=len(rendered.site.articles),
        pages=len(rendered.pages),
        feeds=len(rendered.feeds),
        assets=len(rendered.assets),
        report=report,
        seconds=time.perf_counter() - started,
        warnings=rendered.warnings,
    )
    if stamp is not None:
        _remember(options.site_dir, out_dir, stamp, now, rendered, result)
    options.progress("done", 1, 1)
    return result


def _input_stamp(options: BuildOptions, out_dir: Path) -> tuple[str, dict[Path, str]]:
    folders = locate_theme(options.site_dir).template_dirs
    choices = (options.drafts, options.future, options.base_url, str(out_dir))
    return input_stamp(options.site_dir, folders, choices)


def _unchanged(
    site_dir: Path, out_dir: Path, stamp: str | None, now: dt.datetime
) -> BuildResult | None:
    """The last build's result, if building now would make exactly what is there."""
    record = load_record(record_file(site_dir, out_dir)) if stamp is not None else None
    if record is None or stamp is None or not record.current(stamp, out_dir, now):
        return None
    report = WriteReport(written=0, unchanged=len(record.files), removed=0)
    counts = (record.articles, record.pages, record.feeds, record.assets)
    return BuildResult(*counts, report, 0.0, record.problems)


def _remember(
    site_dir: Path,
    out_dir: Path,
    stamp: str,
    now: dt.datetime,
    rendered: RenderedSite,
    result: BuildResult,
) -> None:
    files = [p.file for p in rendered.pages + rendered.feeds] + [a.file for a in rendered.assets]
    record = BuildRecord(
        stamp=stamp,
        files=output_files(out_dir, files),
        articles=result.articles,
        pages=result.pages,
        feeds=result.feeds,
        assets=result.assets,
        warnings=[(p.path, p.line, p.message, p.warning) for p in result.warnings],
        built_at=now.isoformat(),
        due=rendered.due.isoformat() if rendered.due else None,
    )
    save_record(record_file(site_dir, out_dir), record)


def render(options: BuildOptions, prints: Mapping[Path, str] | None = None) -> RenderedSite:
    """Read, assemble and render the site, and check its outputs; write nothing.

    `prints` are fingerprints of input files already taken (see uptodate.py).
    """
    site_dir = options.site_dir
    overrides = {"base_url": options.base_url} if options.base_url else {}
    config = load_config(site_dir, overrides)
    urls = Urls(config.base_url, config.permalink)
    theme = locate_theme(site_dir)

    content = load_content(
        site_dir, config, urls, options.jobs, options.progress, options.cache, prints or {}
    )
    options.progress("assembling", 0, 1)
    selection = Selection(drafts=options.drafts, future=options.future, now=build_time())
    site = assemble(content.articles, config, urls, selection)
    options.progress("rendering", 0, 1)
    env = make_environment(theme, config, urls)
    pages = render_site(site, env, options.jobs)
    options.progress("feeds", 0, 1)
    feeds = render_feeds(site, env)
    options.progress("checking", 0, 1)
    assets = collect_assets(site_dir, theme, content.assets)
    check_outputs(pages + feeds, assets)
    return RenderedSite(
        site=site,
        pages=tuple(pages),
        feeds=tuple(feeds),
        assets=tuple(assets),
        warnings=content.warnings + site.warnings,
        due=_first_due(content.articles, selection),
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


def collect_assets(site_dir: Path, theme: Theme, content_files: Sequence[str]) -> list[Asset]:
    """Theme static files (a site's own override the default theme's), then content files."""
    static: dict[str, Asset] = {}
    for folder in theme.static_dirs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            file = path.relative_to(folder).as_posix()
            static[file] = Asset(file, path, f"{path.parent.parent.name}/static/{file}")
    content = [Asset(f, site_dir / "content" / f, f"content/{f}") for f in content_files]
    return [*static.values(), *content]
