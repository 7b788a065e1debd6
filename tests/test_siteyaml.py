"""Edits to site.yaml's `subscriptions:` (gather/siteyaml.py): the value changed and
nothing else, and what is written reads back as it was meant."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import TEST_CONFIG

from generator.gather.siteyaml import add_subscriptions, replace_url
from generator.settings.subscriptions import Subscription

MOVING = """\
title: X  # 'quoted' in a comment
base_url: https://old.example/feed
subscriptions:
  # first the wire
  - url: 'https://old.example/feed'   # moved?
    name: "Old: wire"
  - https://old.example/list
  - {url: https://old.example/flow, tags: ['a b']}
"""


@pytest.mark.parametrize("line", [4, 6, 7])  # a quoted url, a string item, one in a flow mapping
def test_replace_url_changes_that_url_and_nothing_else(line: int) -> None:
    new, before = "https://new.example/feed?a=1&b=2#top", MOVING.splitlines()
    old = re.findall(r"https://old\.example/\w+", before[line])[0]
    after = replace_url(MOVING, old, new).splitlines()
    assert len(after) == len(before)
    assert after[:line] + after[line + 1 :] == before[:line] + before[line + 1 :]
    prefix, _, suffix = before[line].partition(old)
    quote = prefix[-1] if prefix[-1] in "'\"" else ""
    prefix, suffix = prefix.removesuffix(quote), suffix.removeprefix(quote)
    assert after[line].startswith(prefix) and after[line].endswith(suffix), after[line]
    written = after[line][len(prefix) : len(after[line]) - len(suffix)]
    assert yaml.safe_load(f"k: {written}") == {"k": new}
    assert replace_url(MOVING, "https://old.example/", new) == MOVING  # subscribed to none
    assert replace_url(TEST_CONFIG, old, new) == TEST_CONFIG


@pytest.mark.parametrize("name", ["A: B # c", "yes", "null", "123", "- dash", "#x", "[x]", "it's"])
def test_add_subscriptions_writes_what_reads_back_the_same(name: str) -> None:
    url = "https://n.example/feed?x=1&y=2"
    added = Subscription(url=url, name=name, tags=("North Korea", "Économie"), source="A, B")
    text = add_subscriptions("title: X\n", [added])
    assert f"  - url: {url}\n" in text  # a URL needs no quotes
    assert yaml.safe_load(text)["subscriptions"] == [
        {"url": url, "name": name, "tags": ["North Korea", "Économie"], "source": "A, B"}
    ]


def test_a_comment_after_an_empty_list_stays_on_its_line() -> None:
    text = "title: X\nsubscriptions: []  # none yet\nbase_url: https://e.org/\n"
    added = add_subscriptions(text, [Subscription("https://a.example/rss", "A")])
    assert added == (
        "title: X\nsubscriptions:  # none yet\n  - url: https://a.example/rss\n    name: A\n"
        "base_url: https://e.org/\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "subscriptions: &feeds\n  - url: https://a.example/rss\ntitle: X\n",
        "subscriptions: !!seq\n  - url: https://a.example/rss\n",
        "subscriptions:\n  - url: https://a.example/rss\n    source: >\n      Wire\n\ntitle: X\n",
    ],
    ids=["an anchor", "a tag", "a block scalar last"],
)
def test_an_addition_reads_back_whatever_the_list_s_layout(text: str) -> None:
    added = add_subscriptions(text, [Subscription("https://b.example/rss", "B")])
    assert added.startswith(text.split("\n  - url: https://a.example/rss")[0])
    urls = [entry["url"] for entry in yaml.safe_load(added)["subscriptions"]]
    assert urls == ["https://a.example/rss", "https://b.example/rss"]
