"""Page keys: a page whose templates only name its tags is not made again when their
articles' text changes, and is whenever its templates could show that text."""

from __future__ import annotations

import dataclasses

import jinja2
import pytest
from factories import make_article, utc

from generator.content.model import Article
from generator.frozen import FrozenMapping
from generator.incremental.keys import OutputKeys
from generator.incremental.reach import Reach
from generator.settings.config import SiteConfig
from generator.site.model import Tag

CONFIG = SiteConfig(title="T", base_url="https://example.org/")
ARTICLES = [  # as read: with extra fields that can be pickled, for their digests
    dataclasses.replace(make_article(f"a{n}", utc(2025, 3, 1 + n), "Tag"), extra=FrozenMapping({}))
    for n in range(3)
]


def tags(articles: list[Article], name: str = "Tag") -> tuple[Tag, ...]:
    return (Tag(name, name.lower(), f"/tags/{name.lower()}/", tuple(articles)),)


def keys_for(page: str, **others: str) -> OutputKeys:
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": page, **others}))
    return OutputKeys(env, CONFIG)


def key(keys: OutputKeys, value: tuple[Tag, ...]) -> str:
    return keys.page_key("page.html", "tags/", {"tags": value})


def retexted(article: Article) -> Article:
    return dataclasses.replace(article, summary="Another summary.", body_html="<p>Other.</p>")


NAMING = (
    "{% if tags %}<ul>{% for tag in tags if tag.name %}"
    "<li>{{ loop.index }}/{{ loop.length }} {{ tag.name }} {{ tag.url }}"
    " {{ tag.articles | length }}{% if loop.last %}.{% endif %}</li>"
    "{% else %}none{% endfor %}</ul>{% endif %}{{ tags | length }}"
)


def test_a_list_of_tags_only_named_is_keyed_on_their_names_and_counts() -> None:
    keys = keys_for(NAMING)
    before = key(keys, tags(ARTICLES))
    assert keys.keyed_by_name("page.html", "tags", tags(ARTICLES))
    assert key(keys, tags([retexted(ARTICLES[0]), *ARTICLES[1:]])) == before
    assert key(keys, tags(ARTICLES[1:])) != before  # one article fewer
    assert key(keys, tags(ARTICLES, "Other")) != before  # another name
    assert Reach(keys).page("page.html", {"tags": tags(ARTICLES)}) == frozenset()


@pytest.mark.parametrize(
    "page",
    [
        "{% for tag in tags %}{{ tag.articles[0].summary }}{% endfor %}",
        "{% for tag in tags %}{% for a in tag.articles %}{{ a.title }}{% endfor %}{% endfor %}",
        "{% for tag in tags %}{% set t = tag %}{{ t.name }}{% endfor %}",
        "{% for tag in tags %}{% include 'item.html' %}{% endfor %}",
        "{% for tag in tags %}{% block item scoped %}{{ tag.name }}{% endblock %}{% endfor %}",
        "{% for tag in tags recursive %}{{ tag.name }}{% endfor %}",
        "{% for name, count in tags %}{{ name }}{% endfor %}",
        "{{ (tags | sort(attribute='name') | first).articles[0].summary }}",
        "{{ tags[0].articles[0].summary }}",
        "{% for tag in tags %}{{ loop.nextitem.articles[0].summary }}{% endfor %}",
        "{% for tag in tags %}{{ loop.previtem.articles[0].summary }}{% endfor %}",
        "{% for tag in tags %}{% set l = loop %}{{ l.previtem.articles[0].summary }}{% endfor %}",
        "{% for tag in tags %}{{ loop.cycle(tags[0].articles[0].summary, '') }}{% endfor %}",
    ],
)
def test_a_list_of_tags_used_otherwise_is_keyed_on_everything_it_holds(page: str) -> None:
    keys = keys_for(page, **{"item.html": "{{ tag.articles[0].summary }}"})
    assert not keys.keyed_by_name("page.html", "tags", tags(ARTICLES))
    before = key(keys, tags(ARTICLES))
    assert key(keys, tags([retexted(ARTICLES[0]), *ARTICLES[1:]])) != before
    reached = Reach(keys).page("page.html", {"tags": tags(ARTICLES)})
    assert reached == frozenset(a.path for a in ARTICLES)


def test_a_list_of_other_values_is_never_keyed_on_names() -> None:
    keys = keys_for(NAMING)
    mixed = (*tags(ARTICLES), ARTICLES[0])
    assert not keys.keyed_by_name("page.html", "tags", mixed)
