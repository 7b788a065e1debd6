"""Site + templates -> pages: pagination, which pages exist, template errors."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import SiteMaker, article
from factories import make_article

from generator.content.loading import read_content
from generator.errors import SiteError
from generator.incremental.build import build
from generator.outputs import Output
from generator.pages.jobs import PageJob, Pager, paginate
from generator.pages.render import page_outputs
from generator.pages.sitemap import SITEMAP_LIMIT, sitemaps
from generator.pipeline import BuildOptions
from generator.settings.config import load_config
from generator.site.assemble import assemble
from generator.site.model import Selection
from generator.theme.environment import locate_theme, make_environment
from generator.urls import Urls, output_file

CONFIG = "title: Test Digest\nbase_url: {base}\ntimezone: UTC\npage_size: {size}\n"
ARTICLES = {
    "content/2025/03/a.md": article("Alpha", "2025-03-12T09:00:00Z", tags="[Japan, Trade]", id="a"),
    "content/2025/03/b.md": article("Beta", "2025-03-13T09:00:00Z", tags="[japan]", id="b"),
}


def render(site_dir: Path) -> list[Output]:
    """The pages of `site_dir`, made by the same pieces a build uses."""
    config = load_config(site_dir)
    urls = Urls(config.base_url, config.permalink)
    content = read_content(site_dir, config, urls)
    site = assemble(content.articles, config, urls, Selection())
    env = make_environment(locate_theme(site_dir), config, urls)
    pages = page_outputs(site, env)
    for page in pages:
        page.make()
    return pages


def small_site(make_site: SiteMaker, size: int = 10, base: str = "https://example.org/") -> Path:
    return make_site(ARTICLES, config=CONFIG.format(base=base, size=size))


def html(pages: list[Output], url: str) -> str:
    [found] = [p for p in pages if p.file == output_file(url)]
    return found.make().decode()


# paginate


def test_no_items_still_make_one_empty_page() -> None:
    assert paginate([], 10, "") == [
        Pager(items=(), number=1, count=1, url="", newer=None, older=None)
    ]


def test_25_items_in_pages_of_10() -> None:
    pagers = paginate(list(range(25)), 10, "")
    assert [(p.number, p.count, p.url, p.newer, p.older) for p in pagers] == [
        (1, 3, "", None, "page/2/"),
        (2, 3, "page/2/", "", "page/3/"),
        (3, 3, "page/3/", "page/2/", None),
    ]
    assert [p.items for p in pagers] == [
        tuple(range(10)),
        tuple(range(10, 20)),
        tuple(range(20, 25)),
    ]


@pytest.mark.parametrize(("count", "pages"), [(1, 1), (10, 1), (11, 2), (20, 2), (21, 3)])
def test_page_count(count: int, pages: int) -> None:
    assert len(paginate(list(range(count)), 10, "tags/japan/")) == pages


def test_pages_of_a_tag_are_under_its_url() -> None:
    urls = [(p.url, p.newer, p.older) for p in paginate([1, 2], 1, "tags/japan/")]
    assert urls == [
        ("tags/japan/", None, "tags/japan/page/2/"),
        ("tags/japan/page/2/", "tags/japan/", None),
    ]


# page_outputs


def test_every_kind_of_page_is_rendered(make_site: SiteMaker) -> None:
    pages = render(small_site(make_site))
    assert [(p.file, p.origin) for p in pages] == [
        ("index.html", "home page"),
        ("2025/03/13/beta/index.html", "content/2025/03/b.md"),
        ("2025/03/12/alpha/index.html", "content/2025/03/a.md"),
        ("tags/japan/index.html", "tag 'Japan'"),
        ("tags/trade/index.html", "tag 'Trade'"),
        ("tags/index.html", "tags index"),
        ("digest/2025-03-13/index.html", "digest 2025-03-13"),
        ("digest/2025-03-12/index.html", "digest 2025-03-12"),
        ("digest/index.html", "digest index"),
        ("archive/index.html", "archive"),
        ("archive/2025/index.html", "archive 2025"),
        ("archive/2025/03/index.html", "archive archive/2025/03/"),
        ("sources/index.html", "sources index"),
        ("search/index.html", "search page"),
        ("404.html", "404 page"),
        ("sitemap.xml", "sitemap"),
        ("robots.txt", "robots.txt"),
    ]
    home = html(pages, "")
    assert home.index('href="/2025/03/13/beta/"') < home.index('href="/2025/03/12/alpha/"')
    alpha = html(pages, "2025/03/12/alpha/")
    assert "<title>Alpha · Test Digest</title>" in alpha
    assert '<link rel="canonical" href="https://example.org/2025/03/12/alpha/">' in alpha
    assert "<p>Body text.</p>" in alpha
    assert '<a href="/tags/japan/" data-pagefind-filter="tag">Japan</a>' in alpha
    assert "2 articles tagged Japan." in html(pages, "tags/japan/")
    assert "Page not found" in html(pages, "404.html")


def test_pages_follow_page_size_and_base_path(make_site: SiteMaker) -> None:
    pages = render(small_site(make_site, size=1, base="https://example.org/news/"))
    assert [p.file for p in pages if "page/" in p.file] == [
        "page/2/index.html",
        "tags/japan/page/2/index.html",
        "digest/page/2/index.html",
    ]
    assert '<a href="/news/page/2/" rel="next">Older →</a>' in html(pages, "")
    assert '<a href="/news/tags/japan/" rel="prev">← Newer</a>' in html(pages, "tags/japan/page/2/")


def test_empty_site_has_a_home_tags_and_404_page(make_site: SiteMaker) -> None:
    pages = render(make_site())
    assert [p.file for p in pages] == [
        "index.html",
        "tags/index.html",
        "digest/index.html",
        "archive/index.html",
        "sources/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
    ]
    assert "No articles yet." in html(pages, "")


def test_template_syntax_error_names_the_file_and_line(make_site: SiteMaker) -> None:
    site = small_site(make_site)
    layout = '{% extends "base.html" %}\n{% block main %}\n{% if pager %}\n{% endblock %}\n'
    (site / "layouts").mkdir()
    (site / "layouts" / "list.html").write_text(layout)
    with pytest.raises(SiteError) as caught:
        render(site)
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == (str(site / "layouts" / "list.html"), 4)
    assert "Encountered unknown tag 'endblock'" in problem.message


def test_template_runtime_error_is_a_site_error(make_site: SiteMaker) -> None:
    site = small_site(make_site)
    (site / "layouts").mkdir()
    (site / "layouts" / "404.html").write_text("{{ nowhere() }}\n")
    with pytest.raises(SiteError) as caught:
        render(site)
    where = site / "layouts" / "404.html"
    assert (
        str(caught.value) == f"{where}:1: template error: 'nowhere' is undefined (making 404.html)"
    )


def test_build_writes_the_rendered_site(make_site: SiteMaker, tmp_path: Path) -> None:
    site = small_site(make_site)
    out = tmp_path / "public"
    result = build(BuildOptions(site_dir=site, output_dir=out))
    assert (result.articles, result.assets, result.warnings) == (2, 2, ())
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    index = [file for file in files if file.startswith("pagefind/")]  # see test_search.py
    written = [file for file in files if file not in index]
    assert "pagefind/pagefind-entry.json" in index
    assert result.report.written == len(files)
    assert len(written) == result.pages + result.feeds + result.assets
    assert [f for f in written if f.endswith((".html", ".css", ".svg"))] == [
        "2025/03/12/alpha/index.html",
        "2025/03/13/beta/index.html",
        "404.html",
        "archive/2025/03/index.html",
        "archive/2025/index.html",
        "archive/index.html",
        "digest/2025-03-12/index.html",
        "digest/2025-03-13/index.html",
        "digest/index.html",
        "favicon.svg",
        "index.html",
        "search/index.html",
        "sources/index.html",
        "style.css",
        "tags/index.html",
        "tags/japan/index.html",
        "tags/trade/index.html",
    ]
    assert build(BuildOptions(site_dir=site, output_dir=out)).report.written == 0


def test_a_sitemap_of_more_than_50000_urls_becomes_an_index_of_sitemaps() -> None:
    moment = dt.datetime(2025, 3, 12, 9, tzinfo=dt.UTC)

    def hours_later(hours: int) -> str:
        return (moment + dt.timedelta(hours=hours)).isoformat()

    jobs = [
        PageJob("article.html", f"a/{n:06}/", "test", {}, shows=(written,))
        for n in range(SITEMAP_LIMIT + 1)
        for written in [make_article(f"a{n}", moment + dt.timedelta(hours=n))]
    ]
    outputs = sitemaps(jobs, Urls("https://example.org/news/", "/{slug}/"))
    assert [o.file for o in outputs] == ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    first, second, index = (ElementTree.fromstring(o.make()) for o in outputs)
    assert len(first.findall(f"{ns}url")) == SITEMAP_LIMIT
    [last] = second.findall(f"{ns}url")
    assert last.findtext(f"{ns}loc") == f"https://example.org/news/a/{SITEMAP_LIMIT:06}/"
    assert index.tag == f"{ns}sitemapindex"
    assert [(s.findtext(f"{ns}loc"), s.findtext(f"{ns}lastmod")) for s in index] == [
        ("https://example.org/news/sitemap-1.xml", hours_later(SITEMAP_LIMIT - 1)),
        ("https://example.org/news/sitemap-2.xml", hours_later(SITEMAP_LIMIT)),
    ]


def test_link_helpers_work_as_filters_worked_out_when_compiled(make_site: SiteMaker) -> None:
    site = make_site(config="title: T\nbase_url: https://example.org/sub/\n")
    config = load_config(site)
    env = make_environment(locate_theme(site), config, Urls(config.base_url, config.permalink))
    template = (
        "{{ 'a b/' | href }} {{ href('a b/') }} {{ 'x.svg' | absolute }} "
        "{{ 'rss' | feed_href('tags/t/') }} {{ feed_href('atom') }}"
    )
    assert env.from_string(template).render() == (
        "/sub/a%20b/ /sub/a%20b/ https://example.org/sub/x.svg /sub/tags/t/feed.xml /sub/atom.xml"
    )
    compiled = env.compile(template, raw=True)
    assert "/sub/a%20b/" in compiled and "https://example.org/sub/x.svg" in compiled


def test_a_cached_macro_is_made_once_for_the_same_arguments(make_site: SiteMaker) -> None:
    macros = "{% macro card(x) %}{{ made(x) or '' }}<{{ x.name }}>{% endmacro %}"
    site = make_site({"layouts/_cards.html": macros}, config="title: T\n")
    config = load_config(site)
    env = make_environment(locate_theme(site), config, Urls(config.base_url, config.permalink))
    made: list[object] = []
    env.globals["made"] = made.append
    template = env.from_string(
        '{% from "_cards.html" import card %}{% for x in items %}{{ cached(card, x) }}{% endfor %}'
    )
    one, other = SimpleNamespace(name="a&b"), SimpleNamespace(name="c")
    same_as_one = SimpleNamespace(name="a&b")  # equal, but another value: made again
    items = [one, other, one, same_as_one, other]
    assert template.render(items=items) == "<a&amp;b><c><a&amp;b><a&amp;b><c>"
    assert [id(x) for x in made] == [id(one), id(other), id(same_as_one)]
    assert template.render(items=[one]) == "<a&amp;b>"  # made in this build already
    assert len(made) == 3
    fresh = make_environment(locate_theme(site), config, Urls(config.base_url, config.permalink))
    assert fresh.globals["cached"] is not env.globals["cached"]  # one per build
