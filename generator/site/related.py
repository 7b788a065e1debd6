"""Links between articles: the previous and next by date, and related coverage.

Related articles come from the tag index, not from comparing every pair: for
each of an article's tags, only the articles near it in that tag's timeline
are candidates, so the work grows linearly with the number of articles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.content.model import Article

RELATED_COUNT = 5
WINDOW = 10  # candidates on each side of an article in each of its tags' timelines


@dataclass(frozen=True)
class ArticleLinks:
    newer: Article | None
    older: Article | None
    related: tuple[Article, ...]


# An article's links as paths (newer, older, related), to be kept between builds.
LinkPaths = tuple[str | None, str | None, tuple[str, ...]]


def link_articles(
    articles: Sequence[Article], timelines: Mapping[str, Sequence[Article]]
) -> dict[str, ArticleLinks]:
    """For each article path: its neighbours by date and up to 5 related articles.

    `articles` is newest first; `timelines` maps each tag name to its articles,
    newest first. Related articles share the most tags, then are the newest,
    then come first by path.
    """
    # Each article is a number: its place newest first (then by path), which is
    # how it ranks among the candidates sharing as many tags. Its tags are an
    # int, one bit per tag, so the tags two articles share are the bits of an `&`.
    ranked = sorted(articles, key=lambda a: (-a.date.timestamp(), a.path))
    number = {article.path: n for n, article in enumerate(ranked)}
    bits = {tag: 1 << n for n, tag in enumerate(timelines)}
    tag_bits = [sum(bits[tag] for tag in set(article.tags)) for article in ranked]
    lines = {tag: [number[a.path] for a in timeline] for tag, timeline in timelines.items()}
    places = {tag: {n: place for place, n in enumerate(line)} for tag, line in lines.items()}
    count, links = len(ranked), {}
    for i, article in enumerate(articles):
        n = number[article.path]
        nearby: set[int] = set()
        for tag in article.tags:
            line, place = lines[tag], places[tag][n]
            nearby.update(line[max(0, place - WINDOW) : place + WINDOW + 1])
        nearby.discard(n)
        own = tag_bits[n]
        # One number per candidate, less for more shared tags, whose rest mod `count` is it.
        best = sorted([m - count * (tag_bits[m] & own).bit_count() for m in nearby])
        links[article.path] = ArticleLinks(
            newer=articles[i - 1] if i > 0 else None,
            older=articles[i + 1] if i + 1 < len(articles) else None,
            related=tuple(ranked[score % count] for score in best[:RELATED_COUNT]),
        )
    return links


def link_paths(links: Mapping[str, ArticleLinks]) -> dict[str, LinkPaths]:
    """`links` with paths for articles."""
    return {
        path: (
            link.newer.path if link.newer else None,
            link.older.path if link.older else None,
            tuple(article.path for article in link.related),
        )
        for path, link in links.items()
    }


def relink(
    articles: Sequence[Article], paths: Mapping[str, LinkPaths]
) -> dict[str, ArticleLinks] | None:
    """The links `paths` between `articles` again, or None if they are not all theirs."""
    by_path = {article.path: article for article in articles}
    if paths.keys() != by_path.keys():
        return None
    try:
        return {
            path: ArticleLinks(
                by_path[newer] if newer else None,
                by_path[older] if older else None,
                tuple(by_path[other] for other in related),
            )
            for path, (newer, older, related) in paths.items()
        }
    except KeyError:
        return None
