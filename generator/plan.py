"""The plan stage: every output of the assembled site described and checked, none made.

Pages (see pages/) with the files that index them for machines (sitemap.xml,
robots.txt, feeds.opml), feeds (see feeds/) and the files copied as they
are: the theme's static files, a site's own overriding the default theme's,
then the files of content/ that are not articles; and the resized copies of
the lead images (see variants.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.content.files import is_skipped
from generator.errors import Problem, SiteError
from generator.feeds.feeds import feed_outputs, site_feeds
from generator.feeds.opml import OPML_FILE, opml_outputs
from generator.outputs import CopiedFile, Output, check_outputs, file_output
from generator.pages.render import page_outputs
from generator.search.index import BUNDLE, SearchIndex
from generator.site.model import Site
from generator.theme.environment import Theme
from generator.urls import output_file
from generator.variants import variant_outputs

# Files a build makes that a site's own file of the same path (in content/ or in
# layouts/static/) replaces, where any other would collide.
REPLACEABLE = frozenset({"robots.txt", OPML_FILE})


@dataclass(frozen=True)
class Plan:
    """Everything a build would write, before it is made."""

    site: Site
    pages: tuple[Output, ...]
    feeds: tuple[Output, ...]
    assets: tuple[Output, ...]
    index: SearchIndex | None = None  # made from the pages once they are staged

    @property
    def outputs(self) -> tuple[Output, ...]:
        return self.pages + self.feeds + self.assets

    @property
    def counts(self) -> tuple[int, int, int, int]:
        """How many articles, pages, feeds and other files."""
        return len(self.site.articles), len(self.pages), len(self.feeds), len(self.assets)


def plan_outputs(
    site: Site, env: jinja2.Environment, theme: Theme, content: tuple[Path, Sequence[str]]
) -> Plan:
    """Every output of `site`: its pages and feeds rendered with `env`, the static files
    of `theme`, and the `content` files (the folder, and paths below it); checked."""
    copied = collect_assets(theme, *content)
    assets = (*copied, *variant_outputs((*site.articles, *site.pages), content[0], _prints(copied)))
    own = {asset.file for asset in assets} & REPLACEABLE
    chosen = site_feeds(site)
    made = [*page_outputs(site, env), *opml_outputs(site, chosen)]
    pages = tuple(page for page in made if page.file not in own)
    feeds = tuple(feed_outputs(site, env, chosen))
    index = _search_index(site, pages + feeds + assets)
    check_outputs(pages + feeds + assets)
    return Plan(site, pages, feeds, assets, index)


def _search_index(site: Site, outputs: Sequence[Output]) -> SearchIndex | None:
    """The index of the articles' pages and the standalone pages, if the site has a
    search page; SiteError if an output stands where the index goes."""
    if not site.config.makes("search"):
        return None
    taken = [output for output in outputs if output.file.startswith(BUNDLE)]
    if taken:
        message = f"{BUNDLE} is where the search index goes; move it, or set `search: false`"
        raise SiteError([Problem(output.origin, None, message) for output in taken])
    pages = tuple(output_file(article.url) for article in (*site.articles, *site.pages))
    return SearchIndex(pages)


def _prints(assets: Sequence[Output]) -> dict[str, str]:
    """The fingerprint of each file of content/ copied as it is, by its path below it."""
    return {
        output.file: output.source.fingerprint
        for output in assets
        if type(output.source) is CopiedFile and output.origin == f"content/{output.file}"
    }


def collect_assets(theme: Theme, content_dir: Path, content_files: Sequence[str]) -> list[Output]:
    """Theme static files (a site's own override the default theme's), then content files."""
    static: dict[str, tuple[Path, str]] = {}
    for folder in theme.static_dirs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            file = path.relative_to(folder).as_posix()
            if not is_skipped(file):
                static[file] = (path, f"{path.parent.parent.name}/static/{file}")
    files = [(file, path, origin) for file, (path, origin) in static.items()]
    files += [(f, content_dir / f, f"content/{f}") for f in content_files]
    return [file_output(file, path, origin) for file, path, origin in files]
