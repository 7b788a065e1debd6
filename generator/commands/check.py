"""`digest check`: everything a build checks, plus broken links and images, writing nothing.

Every problem of every stage is reported in one run: a stage goes on without
the files an earlier one found broken (an article that cannot be read, two
with one id), and every page and feed is made, each template error reported
once. Drafts and future articles are checked too: they are the ones being
worked on; a published article that links to one of them is an error, since
its link is broken on the published site. Errors raise SiteError; what is
returned are warnings, which fail the check only with `--strict`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence, Set
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2

from generator.content.loading import ContentErrors
from generator.content.markup.links import links_in
from generator.content.model import Article, LoadedContent
from generator.errors import Problem, SiteError
from generator.outputs import Output
from generator.parallel import forked_map
from generator.pipeline import (
    BuildOptions,
    Settings,
    assemble_site,
    build_time,
    load_content,
    load_templates,
    plan_site,
    read_settings,
    warnings,
)
from generator.plan import Plan
from generator.site.model import Selection
from generator.urls import output_file


def check_site(site_dir: Path) -> tuple[Problem, ...]:
    """Check the site in `site_dir`; raise SiteError listing every error, return the
    warnings."""
    settings = read_settings(
        BuildOptions(site_dir=site_dir, drafts=True, future=True), build_time()
    )
    errors: list[Problem] = []
    try:
        content = load_content(settings)
    except ContentErrors as exc:
        errors += exc.problems
        content = exc.loaded
    env = load_templates(settings)
    planned, left = _planned(settings, content, env, errors)
    found: tuple[Problem, ...] = ()
    if planned is not None:
        errors += _made(planned.outputs, settings.jobs)
        published = dataclasses.replace(settings, selection=Selection(now=settings.selection.now))
        live, _ = _planned(published, left, env, [])
        # Links to the articles left out as broken are theirs to fix, not broken links.
        gone = {output_file(a.url) for a in content.articles if a not in left.articles}
        errors += broken_links(site_dir, planned, live, gone)
        found = warnings(content, planned.site) + tuple(missing_summaries(planned.site.articles))
    if errors:
        raise SiteError(sorted(set(errors)) + list(found))
    return found


def _planned(
    settings: Settings, content: LoadedContent, env: jinja2.Environment, errors: list[Problem]
) -> tuple[Plan | None, LoadedContent]:
    """The site's plan, assembled again without the articles each try found broken (their
    problems go to `errors`), and the content it was made of; no plan if it cannot be
    made without more than them."""
    while True:
        try:
            return plan_site(settings, assemble_site(settings, content), env, content), content
        except SiteError as exc:
            errors += exc.problems
            broken = {problem.path for problem in exc.problems}
            left = tuple(a for a in content.articles if a.path not in broken)
            if len(left) == len(content.articles):
                return None, content  # a problem of no article: nothing to go on without
            content = dataclasses.replace(content, articles=left)


def _made(outputs: Sequence[Output], jobs: int) -> list[Problem]:
    """The problems of making each output, each template's once (with how many other
    outputs it broke)."""

    def problems_of(index: int) -> list[Problem]:
        try:
            outputs[index].make()
        except SiteError as exc:
            return list(exc.problems)
        return []

    by_place: dict[tuple[str, int | None], list[Problem]] = {}
    for found in forked_map(problems_of, len(outputs), jobs):
        for problem in found:
            by_place.setdefault((problem.path, problem.line), []).append(problem)
    problems = []
    for first, *others in by_place.values():
        more = f" and {len(others)} other output{'s' * (len(others) != 1)}" if others else ""
        problems.append(dataclasses.replace(first, message=first.message + more))
    return problems


def broken_links(
    site_dir: Path, planned: Plan, live: Plan | None = None, gone: Set[str] = frozenset()
) -> list[Problem]:
    """Links and images (of Markdown and of raw HTML alike) in article bodies that
    point inside the site at nothing (but at the output files `gone`); and, if the
    published site's plan `live` is given, those of published articles that point at
    a draft or a future article."""
    files = {output.file for output in planned.outputs}
    published = {output.file for output in live.outputs} if live is not None else files
    live_articles = {a.path for a in live.site.articles} if live is not None else set()
    base_path = planned.site.urls.base_path
    problems = []
    for article in planned.site.articles:
        for attribute, target in links_in(article.body_html):
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith(base_path):
                continue
            url = unquote(parts.path)[len(base_path) :]
            what = "link" if attribute == "href" else "image"
            if output_file(url) in gone:
                continue
            if output_file(url) not in files and url not in files:
                message = f"{what} {target} points at no page or file of the site"
            elif article.path in live_articles and not {output_file(url), url} & published:
                message = f"{what} {target} points at a draft or future article, not published"
            else:
                continue
            line = _line_of(site_dir / article.path, target, base_path)
            problems.append(Problem(article.path, line, message))
    return problems


def missing_summaries(articles: tuple[Article, ...]) -> list[Problem]:
    return [
        Problem(a.path, 1, "no summary and no first paragraph to use instead", warning=True)
        for a in articles
        if not a.summary
    ]


def _line_of(path: Path, target: str, base_path: str) -> int | None:
    """The first line of `path` that mentions `target`: as it is, without the base path,
    or as its last part alone (written relative to the article)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    below_base = "/" + target.removeprefix(base_path)
    tail = unquote(target.rstrip("/").rsplit("/", 1)[-1])
    for mention in (target, below_base, f"({tail}", f'"{tail}', f"'{tail}", f"/{tail}"):
        for number, line in enumerate(lines, 1):
            if mention.strip("/\"'(") and mention in line:
                return number
    return None
