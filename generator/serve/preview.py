"""A first look at an edited article, while `digest serve` builds the rest.

After a save, even an incremental build of a big site takes a couple of
seconds: every article is assembled into the site and every page's key
checked. Most saves change the text of one article, and the page the writer
has open is that article's. So `serve` first renders that page alone, from
the site of the last build, and reloads the browser; the full build follows
and reloads it again, with everything that shows the article in place (the
lists, feeds, digests and other articles' related links). Hugo's serve does
the same ("fast render").

An article's page can be made on its own only while its place in the site is
unchanged: its URL, date, tags and draft state, with no error. A new or
deleted file, a template or site.yaml waits for the full build.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import jinja2

from generator.content.files import ARTICLE_SUFFIX
from generator.content.model import Article
from generator.content.reader import article_reader
from generator.errors import SiteError
from generator.pages.kinds import article_job
from generator.pages.render import render_page
from generator.site.model import Site
from generator.urls import output_file
from generator.write.files import replace_with_bytes

MAX_PREVIEWED = 20  # more changed articles than this at once: the full build alone


@dataclass(frozen=True)
class LastBuild:
    """The site the last good build assembled, and where it wrote it."""

    site_dir: Path
    out_dir: Path
    site: Site
    env: jinja2.Environment  # the templates it was rendered with


def preview(last: LastBuild, changed: Iterable[Path]) -> list[str]:
    """Write the pages of the changed articles into the output folder; return their files.

    Returns [] without writing anything when any change needs the full build.
    """
    site, site_dir = last.site, last.site_dir.resolve()
    content = (site_dir / "content").resolve()
    # A folder of content/ changes along with the files in it.
    changed = sorted(p for p in set(changed) if not (p.is_relative_to(content) and p.is_dir()))
    if not changed or len(changed) > MAX_PREVIEWED:
        return []
    published = {article.path: article for article in (*site.articles, *site.pages)}
    reader = article_reader(site_dir, site.config, site.urls)
    pages = []
    for path in changed:
        if path.suffix != ARTICLE_SUFFIX or not path.is_relative_to(content):
            return []
        relative = PurePosixPath("content", *path.relative_to(content).parts)
        before = published.get(str(relative))
        if before is None or (site_dir / relative).is_symlink():
            return []
        after, problems, _ = reader.read(site_dir / relative)
        if after is None or any(not p.warning for p in problems) or not _same_place(before, after):
            return []
        pages.append(article_job(site, after))
    try:
        made = [(output_file(page.url), render_page(last.env, site.config, page)) for page in pages]
    except SiteError:
        return []  # a template that fails: the full build will say
    written = []
    for file, data in made:
        try:
            replace_with_bytes(str(last.out_dir / file), data)
        except OSError:
            break  # the output folder gone: the full build will make it
        written.append(file)
    return written


def _same_place(before: Article, after: Article) -> bool:
    """Whether `after` stands where `before` stood in the site: its page, lists and links."""
    return (
        after.url == before.url
        and after.date == before.date
        and after.tags == before.tags
        and after.draft == before.draft
        and after.page == before.page
        and after.image == before.image  # its copies are made by the build
    )
