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
    with template_errors(output_file(job.url)):
        template = env.get_template(job.template)
        return template.render(site=config, url=job.url, **job.context).encode("utf-8")


@contextmanager
def template_errors(making: str = "") -> Iterator[None]:
    """Report a broken template, or one that fails while it makes the output file
    `making`, as a SiteError naming the template's file and line."""
    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or "layouts"
        raise SiteError([Problem(where, exc.lineno, exc.message or "")]) from None
    except SiteError:
        raise
    except Exception as exc:
        frame = _template_frame(exc)
        if frame is None and not isinstance(exc, jinja2.TemplateError):
            raise  # not in a template: digest's own
        where, line = frame or ("layouts", None)
        message = _what_failed(exc)
        during = f" (making {making})" if making else ""
        raise SiteError([Problem(where, line, f"template error: {message}{during}")]) from exc


def _what_failed(exc: Exception) -> str:
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"{exc.message!r} not found" if exc.message else "a template not found"
    if isinstance(exc, jinja2.TemplateError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The file and line of the innermost template code that `exc` went through:
    Jinja puts a frame of the template's own file and line in its traceback."""
    found = None
    trace = exc.__traceback__
    while trace is not None:
        if "__jinja_exception__" in trace.tb_frame.f_globals:
            found = (trace.tb_frame.f_code.co_filename, trace.tb_lineno)
        trace = trace.tb_next
    return found
