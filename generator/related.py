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
    newest first. Related articles share the most tags, then are the newest.
    """
    positions = {
        tag: {article.path: i for i, article in enumerate(timeline)}
        for tag, timeline in timelines.items()
    }
    # Each candidate's rank: the more shared tags the better, then the newer, then by path.
    ranks = {a.path: (frozenset(a.tags), -a.date.timestamp(), a.path) for a in articles}
    links = {}
    for i, article in enumerate(articles):
        links[article.path] = ArticleLinks(
            newer=articles[i - 1] if i > 0 else None,
            older=articles[i + 1] if i + 1 < len(articles) else None,
            related=_related(article, timelines, positions, ranks),
        )
    return links


def _related(
    article: Article,
    timelines: Mapping[str, Sequence[Article]],
    positions: Mapping[str, Mapping[str, int]],
    ranks: Mapping[str, tuple[frozenset[str], float, str]],
) -> tuple[Article, ...]:
    own = ranks[article.path][0]
    candidates: dict[str, Article] = {}
    for tag in article.tags:
        timeline, i = timelines[tag], positions[tag][article.path]
        for other in timeline[max(0, i - WINDOW) : i + WINDOW + 1]:
            candidates[other.path] = other
    candidates.pop(article.path, None)

    def rank(other: Article) -> tuple[int, float, str]:
        tags, newest, path = ranks[other.path]
        return (-len(own & tags), newest, path)

    ranked = sorted(candidates.values(), key=rank)
    return tuple(ranked[:RELATED_COUNT])
