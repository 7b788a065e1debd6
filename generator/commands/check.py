"""`digest check`: everything a build checks, plus broken links and images, writing nothing.

Drafts and future articles are checked too: they are the ones being worked on.
Errors raise SiteError; what is returned are warnings, which fail the check
only with `--strict`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.content.markup.links import links_in
from generator.content.model import Article
from generator.errors import Problem, SiteError
from generator.parallel import forked_map
from generator.pipeline import BuildOptions, plan
from generator.plan import Plan
from generator.urls import output_file


def check_site(site_dir: Path) -> tuple[Problem, ...]:
    """Check the site in `site_dir`; raise SiteError on errors, return the warnings."""
    options = BuildOptions(site_dir=site_dir, drafts=True, future=True)
    planned, found = plan(options)
    outputs = planned.outputs
    forked_map(lambda i: len(outputs[i].make()), len(outputs), options.jobs)  # template errors
    warnings = found + tuple(missing_summaries(planned.site.articles))
    errors = broken_links(site_dir, planned)
    if errors:
        raise SiteError([*errors, *warnings])
    return warnings


def broken_links(site_dir: Path, planned: Plan) -> list[Problem]:
    """Links and images (of Markdown and of raw HTML alike) in article bodies that
    point inside the site at nothing."""
    files = {output.file for output in planned.outputs}
    base_path = planned.site.urls.base_path
    problems = []
    for article in planned.site.articles:
        for attribute, target in links_in(article.body_html):
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith(base_path):
                continue
            url = unquote(parts.path)[len(base_path) :]
            if output_file(url) not in files and url not in files:
                what = "link" if attribute == "href" else "image"
                line = _line_of(site_dir / article.path, target)
                message = f"{what} {target} points at no page or file of the site"
                problems.append(Problem(article.path, line, message))
    return problems


def missing_summaries(articles: tuple[Article, ...]) -> list[Problem]:
    return [
        Problem(a.path, 1, "no summary and no first paragraph to use instead", warning=True)
        for a in articles
        if not a.summary
    ]


def _line_of(path: Path, target: str) -> int | None:
    """The first line of `path` that mentions the last part of `target`."""
    tail = unquote(target.rstrip("/").rsplit("/", 1)[-1])
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if tail and tail in line:
            return number
    return None
