"""Articles -> Site: what is published, in which order, under which tags."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from factories import make_article, utc

from generator.content.model import Article
from generator.errors import SiteError
from generator.settings.config import SiteConfig
from generator.site.assemble import assemble
from generator.site.model import Selection, Site
from generator.urls import Urls

CONFIG = SiteConfig(base_url="https://example.org/")
URLS = Urls(CONFIG.base_url, CONFIG.permalink)
NOW = dt.datetime(2025, 3, 15, 12, tzinfo=dt.UTC)
AT_NOW = Selection(now=NOW)


def make(name: str, day: int, *tags: str, draft: bool = False, article_id: str = "") -> Article:
    """An article `content/<name>.md` dated 2025-03-<day> 09:00 UTC."""
    article = make_article(name, utc(2025, 3, day), *tags)
    return replace(article, summary="", draft=draft, id=article_id or article.id)


def site_of(*articles: Article, selection: Selection = AT_NOW) -> Site:
    return assemble(articles, CONFIG, URLS, selection)


def paths(articles: tuple[Article, ...]) -> list[str]:
    return [a.path.removeprefix("content/").removesuffix(".md") for a in articles]


def test_articles_are_newest_first() -> None:
    site = site_of(make("b", 12), make("c", 14), make("a", 13))
    assert paths(site.articles) == ["c", "a", "b"]


def test_same_date_is_ordered_by_path() -> None:
    assert paths(site_of(make("a", 12), make("b", 12)).articles) == ["b", "a"]


@pytest.mark.parametrize(
    ("selection", "published"),
    [
        (Selection(now=NOW), ["old"]),
        (Selection(drafts=True, now=NOW), ["draft", "old"]),
        (Selection(future=True, now=NOW), ["future", "old"]),
        (Selection(drafts=True, future=True, now=NOW), ["future", "draft", "old"]),
        (Selection(), ["future", "old"]),
    ],
)
def test_drafts_and_future_articles(selection: Selection, published: list[str]) -> None:
    articles = make("old", 12), make("draft", 13, draft=True), make("future", 16)
    assert paths(site_of(*articles, selection=selection).articles) == published


def test_an_article_dated_exactly_now_is_published() -> None:
    article = make("now", 15)
    assert site_of(article, selection=Selection(now=article.date)).articles == (article,)


def test_tags_are_sorted_by_name_with_articles_newest_first() -> None:
    site = site_of(
        make("a", 12, "Trade", "japan"),
        make("b", 14, "Japan"),
        make("c", 13, "Japan", "economy"),
    )
    assert [(t.name, t.slug, t.url, paths(t.articles)) for t in site.tags] == [
        ("economy", "economy", "tags/economy/", ["c"]),
        ("Japan", "japan", "tags/japan/", ["b", "c", "a"]),
        ("Trade", "trade", "tags/trade/", ["a"]),
    ]


@pytest.mark.parametrize(
    ("spellings", "name"),
    [
        (["north korea", "North Korea", "North Korea"], "North Korea"),
        (["NK", "nk", "nk"], "nk"),
        (["Japan", "japan"], "Japan"),
    ],
)
def test_case_variants_are_one_tag_in_the_most_used_spelling(
    spellings: list[str], name: str
) -> None:
    site = site_of(*(make(f"a{day}", day, tag) for day, tag in enumerate(spellings, 10)))
    [tag] = site.tags
    assert (tag.name, len(tag.articles)) == (name, len(spellings))
    assert {a.tags for a in site.articles} == {(name,)}


def test_different_names_with_one_slug_are_an_error() -> None:
    with pytest.raises(SiteError) as caught:
        site_of(make("a", 12, "North Korea"), make("b", 13, "north-korea"), make("c", 14))
    [problem] = caught.value.problems
    assert str(problem) == (
        "content/a.md: tags 'North Korea' and 'north-korea' share the URL tags/north-korea/ "
        "(used in content/a.md, content/b.md); use one spelling"
    )


def test_duplicate_ids_are_an_error_naming_both_files() -> None:
    with pytest.raises(SiteError) as caught:
        site_of(
            make("a", 12, article_id="same"),
            make("b", 13),
            make("c", 14, article_id="same", draft=True),
        )
    assert str(caught.value) == "content/a.md: id same is also used by content/c.md"


def test_empty_site() -> None:
    site = site_of()
    assert (site.articles, site.tags, site.config, site.urls) == ((), (), CONFIG, URLS)
