"""The build, stage by stage: settings -> content -> site -> templates -> plan -> write.

`build` is the whole pipeline, with nothing kept from one build to the
next: it reads every article, renders every output and writes the site
(a file whose bytes are the same is kept as it was). Each stage is a
function of the values the ones before it returned, all of them frozen.

The incremental layer (incremental/) runs these same stages with hooks
of its own (articles already read, indexes already worked out, templates
already compiled, outputs whose files are current, the spare output tree)
and takes shortcuts around them; the pipeline knows nothing of it.
`digest build --no-cache` runs `build` as it is.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from generator.content.loading import ArticleCache, read_content
from generator.content.model import LoadedContent
from generator.errors import Problem, SiteError
from generator.parallel import default_jobs
from generator.plan import Plan, plan_outputs
from generator.progress import Progress, no_progress
from generator.settings.config import SiteConfig, load_config
from generator.site.assemble import IndexMemo, assemble
from generator.site.model import Selection, Site
from generator.text import plural
from generator.theme.environment import Theme, locate_theme, make_environment
from generator.urls import Urls
from generator.write.write import WriteReport, write_site


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
    cache: bool = True  # whether the incremental layer wraps the pipeline (incremental/)
    # Whether to wait for another build of the site to end, rather than fail (the
    # incremental layer's lock, incremental/lock.py; the pipeline takes no lock).
    wait: bool = False


@dataclass(frozen=True)
class Settings:
    """What every stage works with: the site's settings, read once, and where things are."""

    site_dir: Path
    out_dir: Path
    config: SiteConfig
    urls: Urls
    theme: Theme
    selection: Selection  # which articles are published, as of the build's time
    jobs: int  # how many processes read and render
    progress: Progress


@dataclass(frozen=True)
class BuildResult:
    articles: int
    pages: int
    feeds: int
    assets: int
    report: WriteReport
    seconds: float
    warnings: tuple[Problem, ...] = field(default=())
    site: Site | None = field(default=None, repr=False)  # None: nothing was built
    env: jinja2.Environment | None = field(default=None, repr=False)
    # The articles whose text alone changed, when only the outputs showing them
    # were looked at (see incremental/edits.py); None when the whole site was.
    edited: frozenset[str] | None = None

    def summary(self) -> str:
        """The one line a build prints."""
        report = self.report
        return (
            f"built {plural(self.articles, 'article')}: {plural(self.pages, 'page')}, "
            f"{plural(self.feeds, 'feed')}, {plural(self.assets, 'file')} in "
            f"{self.seconds:.2f}s; {plural(len(self.warnings), 'warning')} "
            f"({report.made} rendered, {report.written} written, {report.unchanged} unchanged, "
            f"{report.removed} removed)"
        )


def build(options: BuildOptions) -> BuildResult:
    """Build the site of `options` from its files alone; raise SiteError listing every
    problem, leaving the output folder as it was."""
    started = time.perf_counter()
    settings = read_settings(options, build_time())
    content = load_content(settings)
    site = assemble_site(settings, content)
    env = load_templates(settings)
    plan = plan_site(settings, site, env, content)
    jobs, progress = settings.jobs, settings.progress
    report = write_site(settings.out_dir, plan.outputs, jobs, progress, index=plan.index)
    settings.progress("done", 1, 1)
    return built(plan, report, started, content, env)


def read_settings(options: BuildOptions, now: dt.datetime) -> Settings:
    """The settings stage: site.yaml (with the options' overrides), the theme, the output
    folder, and what a build at `now` publishes."""
    overrides = {"base_url": options.base_url} if options.base_url else {}
    config = load_config(options.site_dir, overrides)
    return Settings(
        site_dir=options.site_dir,
        out_dir=output_dir(options),
        config=config,
        urls=Urls(config.base_url, config.permalink),
        theme=locate_theme(options.site_dir),
        selection=Selection(drafts=options.drafts, future=options.future, now=now),
        jobs=options.jobs,
        progress=options.progress,
    )


def load_content(settings: Settings, cache: ArticleCache | None = None) -> LoadedContent:
    """The content stage: every article and file of content/ (see content/loading.py)."""
    config, urls, jobs = settings.config, settings.urls, settings.jobs
    return read_content(settings.site_dir, config, urls, jobs, settings.progress, cache)


def assemble_site(
    settings: Settings, content: LoadedContent, memo: IndexMemo | None = None
) -> Site:
    """The site stage: the published articles in order, with every index of them."""
    settings.progress("assembling", 0, 1)
    return assemble(content.articles, settings.config, settings.urls, settings.selection, memo)


def load_templates(
    settings: Settings, compiled: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """The templates stage: the theme's templates with the site's helpers."""
    return make_environment(settings.theme, settings.config, settings.urls, compiled)


def plan_site(
    settings: Settings, site: Site, env: jinja2.Environment, content: LoadedContent
) -> Plan:
    """The plan stage: every output described and checked, none made (see plan.py)."""
    settings.progress("planning", 0, 1)
    return plan_outputs(site, env, settings.theme, (settings.site_dir / "content", content.assets))


def built(
    plan: Plan, report: WriteReport, started: float, content: LoadedContent, env: jinja2.Environment
) -> BuildResult:
    """What a build that wrote `plan` reports."""
    seconds = time.perf_counter() - started
    found = warnings(content, plan.site)
    return BuildResult(*plan.counts, report, seconds, found, plan.site, env)


def warnings(content: LoadedContent, site: Site) -> tuple[Problem, ...]:
    """The warnings of the content and site stages, in that order."""
    return content.warnings + site.warnings


def plan(options: BuildOptions) -> tuple[Plan, tuple[Problem, ...]]:
    """Read and assemble the site and list its outputs, checked, with the warnings found;
    make and write nothing."""
    settings = read_settings(options, build_time())
    content = load_content(settings)
    site = assemble_site(settings, content)
    return plan_site(settings, site, load_templates(settings), content), warnings(content, site)


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
        message = (
            "the output folder must not contain the site "
            "or lie inside content/ or layouts/; choose another --output"
        )
        raise SiteError([Problem(str(out), None, message)])
    return out


def build_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set (for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)
