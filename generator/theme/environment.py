"""Where templates and theme assets come from, and the Jinja2 environment.

A site's own `layouts/` comes first, file by file; anything it lacks comes
from the default theme shipped inside the package, so a site folder with no
`layouts/` at all still builds. The theme's templates are also there under
`theme/` (`{% extends "theme/base.html" %}`), and a site's template that
extends, includes or imports its own name gets the theme's: a
`layouts/base.html` that starts `{% extends "base.html" %}` changes the
blocks it names and keeps the rest of the theme's page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.content.slugs import slugify
from generator.settings.config import SiteConfig
from generator.theme.metadata import json_ld, news_article
from generator.urls import Urls

STATIC = "static"
THEME = "theme"  # the prefix of the theme's own templates


def default_theme_dir() -> Path:
    """The default theme: bundled in the package, or layouts/ of a source checkout."""
    bundled = Path(__file__).parent / "default"
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parents[2] / "layouts"  # editable install


@dataclass(frozen=True)
class Theme:
    """Template folders (first wins) and static folders (last wins)."""

    template_dirs: tuple[Path, ...]

    @property
    def theme_dir(self) -> Path:
        """The default theme's folder: always the last."""
        return self.template_dirs[-1]

    @property
    def static_dirs(self) -> tuple[Path, ...]:
        return tuple(d / STATIC for d in reversed(self.template_dirs) if (d / STATIC).is_dir())


def locate_theme(site_dir: Path) -> Theme:
    own = site_dir / "layouts"
    default = default_theme_dir()
    dirs = [own] if own.is_dir() else []
    if not dirs or own.resolve() != default.resolve():
        dirs.append(default)
    return Theme(tuple(dirs))


class ThemedEnvironment(jinja2.Environment):
    """An environment where a template that names itself means the theme's."""

    def join_path(self, template: str, parent: str) -> str:
        return f"{THEME}/{template}" if template == parent else template


class SnapshotLoader(jinja2.BaseLoader):
    """Each template as it was first read in this build, or missing if it was then.

    The keys of a build's outputs (keys.py) and its rendering must see the same
    templates, even when one is saved while the build runs.
    """

    def __init__(self, inner: jinja2.BaseLoader) -> None:
        self.inner = inner
        self.sources: dict[str, tuple[str, str | None] | jinja2.TemplateNotFound] = {}

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool]]:
        if template not in self.sources:
            try:
                self.sources[template] = self.inner.get_source(environment, template)[:2]
            except jinja2.TemplateNotFound as missing:
                self.sources[template] = missing
        found = self.sources[template]
        if isinstance(found, jinja2.TemplateNotFound):
            raise jinja2.TemplateNotFound(template, found.message)
        return found[0], found[1], lambda: True

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


def make_environment(
    theme: Theme,
    config: SiteConfig,
    urls: Urls,
    compiled: jinja2.BytecodeCache | None = None,
) -> jinja2.Environment:
    """A Jinja2 environment with autoescaping and the site's helpers; templates are
    kept compiled in `compiled`, if given (see incremental/templates.py)."""
    tz = config.tz
    site_first = jinja2.FileSystemLoader([str(d) for d in theme.template_dirs])
    theme_only = jinja2.PrefixLoader({THEME: jinja2.FileSystemLoader(str(theme.theme_dir))})
    env = ThemedEnvironment(
        loader=SnapshotLoader(jinja2.ChoiceLoader([site_first, theme_only])),
        bytecode_cache=compiled,
        undefined=jinja2.StrictUndefined if config.strict_templates else jinja2.Undefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        href=urls.href,
        absolute=urls.absolute,
        tag_url=lambda name: urls.tag(slugify(name)),
        tag_href=lambda name: urls.href(urls.tag(slugify(name))),
        author_href=lambda name: urls.href(urls.author(slugify(name))),
        section_href=lambda name: urls.href(urls.section(slugify(name))),
        feed_href=lambda kind, page="": urls.href(urls.feed(page, kind)),
        makes=config.makes,
        month_name=lambda month: dt.date(2000, month, 1).strftime("%B"),
        article_json_ld=lambda article: json_ld(news_article(article, config, urls)),
        cached=cached_calls(),
    )
    env.filters.update(
        date=lambda moment, fmt="long": format_date(moment.astimezone(tz), fmt),
        isodate=lambda moment: moment.astimezone(tz).isoformat(),
        # The link helpers as filters too: a filter is called directly, where a
        # call goes through the context, and `{{ 'style.css' | href }}` of a
        # constant is worked out once, when the template is compiled.
        **{
            name: env.globals[name]
            for name in ("href", "absolute", "tag_href", "author_href", "section_href", "feed_href")
        },
    )
    return env


def cached_calls() -> Callable[..., Any]:
    """The templates' `cached(macro, *args)`: what `macro(*args)` makes, made once per
    build (per process) for each macro and arguments, like Hugo's `partialCached`.

    A card of an article is the same on the home page and on each of its tags'
    pages. Only for a macro that depends on its arguments alone: one imported
    without context, as `{% from ... import %}` does unless told otherwise.
    Arguments are told apart by identity (they are kept, so that no other
    value takes their place): the site's values do not change during a build.
    """
    made: dict[tuple[int, ...], tuple[tuple[object, ...], Any]] = {}

    def cached(macro: Callable[..., Any], *args: object) -> Any:
        call = (macro, *args)
        key = tuple(map(id, call))
        if key not in made:
            made[key] = (call, macro(*args))
        return made[key][1]

    return cached


def format_date(moment: dt.datetime, style: str) -> str:
    """`long`: 12 March 2025; `short`: 12 Mar 2025; anything else: a strftime format."""
    if style == "long":
        return f"{moment.day} {moment:%B %Y}"
    if style == "short":
        return f"{moment.day} {moment:%b %Y}"
    return moment.strftime(style)
