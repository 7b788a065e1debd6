"""Page jobs -> outputs: each page rendered with its template when the writer asks."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import jinja2

from generator.errors import Problem, SiteError
from generator.outputs import Output
from generator.pages.jobs import PageJob
from generator.pages.kinds import page_jobs
from generator.pages.sitemap import robots, sitemaps
from generator.settings.config import SiteConfig
from generator.site.model import Site
from generator.urls import output_file


def page_outputs(site: Site, env: jinja2.Environment) -> list[Output]:
    """Every HTML page of the site, with its sitemap and robots.txt."""
    jobs = list(page_jobs(site))
    return [*job_outputs(jobs, site, env), *sitemaps(jobs, site.urls), robots(site.urls)]


def job_outputs(jobs: Sequence[PageJob], site: Site, env: jinja2.Environment) -> list[Output]:
    """The pages of `jobs`."""
    with template_errors():
        for template in sorted({job.template for job in jobs}):
            env.get_template(template)  # compiled once, here, before workers fork
    return [
        Output(
            output_file(job.url),
            job.origin,
            functools.partial(render_page, env, site.config, job),
            job,
        )
        for job in jobs
    ]


def render_page(env: jinja2.Environment, config: SiteConfig, job: PageJob) -> bytes:
    with template_errors():
        template = env.get_template(job.template)
        return template.render(site=config, url=job.url, **job.context).encode("utf-8")


@contextmanager
def template_errors() -> Iterator[None]:
    """Report a broken template as a SiteError naming its file and line."""
    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or "layouts"
        raise SiteError([Problem(where, exc.lineno, exc.message or "")]) from None
    except jinja2.TemplateError as exc:
        raise SiteError([Problem("layouts", None, f"template error: {exc}")]) from exc
