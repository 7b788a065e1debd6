"""Links between articles: the previous and next by date, and related coverage.

Related articles come from the tag index, not from comparing every pair: for
each of an article's tags, only the articles near it in that tag's timeline
are candidates, so the work grows linearly with the number of articles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.content import Article

RELATED_COUNT = 5
WINDOW = 10  # candidates on each side of an article in each of its tags' timelines


@dataclass(frozen=True)
class ArticleLinks:
    newer: Article | None
    older: Article | None
    related: tuple[Article, ...]


def link_articles(
    articles: Sequence[Article], timelines: Mapping[str, Sequence[Article]]
) -> dict[str, ArticleLinks]:
    """For each article path: its neighbours by date and up to 5 related articles.

    `articles` is newest first; `timelines` maps each tag name to its articles,
    newest first. Related articles share the most tags, then are the newest,
    then come first by path.
    """
    positions = {
        tag: {article.path: i for i, article in enumerate(timeline)}
        for tag, timeline in timelines.items()
    }
    # Newest first, then by path: how a candidate ranks among those sharing as many tags.
    # A set of tags is an int, one bit per tag: shared tags are the bits of an `&`.
    newest = sorted(articles, key=lambda a: (-a.date.timestamp(), a.path))
    order = {article.path: n for n, article in enumerate(newest)}
    bits = {tag: 1 << n for n, tag in enumerate(timelines)}
    tag_sets = {article.path: sum(bits[tag] for tag in set(article.tags)) for article in articles}
    links = {}
    for i, article in enumerate(articles):
        links[article.path] = ArticleLinks(
            newer=articles[i - 1] if i > 0 else None,
            older=articles[i + 1] if i + 1 < len(articles) else None,
            related=_related(article, timelines, positions, order, tag_sets),
        )
    return links


def _related(
    article: Article,
    timelines: Mapping[str, Sequence[Article]],
    positions: Mapping[str, Mapping[str, int]],
    order: Mapping[str, int],
    tag_sets: Mapping[str, int],
) -> tuple[Article, ...]:
    candidates: dict[str, Article] = {}
    for tag in article.tags:
        timeline, i = timelines[tag], positions[tag][article.path]
        for other in timeline[max(0, i - WINDOW) : i + WINDOW + 1]:
            candidates[other.path] = other
    candidates.pop(article.path, None)
    own, count = tag_sets[article.path], len(order)
    # One number per candidate: fewer shared tags rank after more, then by `order`.
    ranked = sorted(
        (order[path] - count * (own & tag_sets[path]).bit_count(), path) for path in candidates
    )
    return tuple(candidates[path] for _, path in ranked[:RELATED_COUNT])
