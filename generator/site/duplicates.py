"""Warnings about stories that may have been collected twice."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable

from generator.content.model import Article
from generator.content.slugs import slugify
from generator.errors import Problem

TITLE_WINDOW = dt.timedelta(days=3)


def possible_duplicates(articles: Iterable[Article]) -> list[Problem]:
    """Pairs with the same source URL, or the same normalised title within 3 days."""
    by_url: dict[str, list[Article]] = defaultdict(list)
    by_title: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.source is not None and article.source.url:
            by_url[article.source.url.rstrip("/")].append(article)
        by_title[slugify(article.title)].append(article)
    warnings = []
    for url, group in by_url.items():
        first, *others = sorted(group, key=lambda a: a.path)
        warnings += [_warning(first, other, f"same source URL {url}") for other in others]
    for group in by_title.values():
        group.sort(key=lambda a: (a.date, a.path))
        for earlier, later in itertools.pairwise(group):
            if later.date - earlier.date <= TITLE_WINDOW:
                warnings.append(_warning(earlier, later, "same title within 3 days"))
    return sorted(warnings)


def _warning(one: Article, other: Article, reason: str) -> Problem:
    return Problem(one.path, None, f"possible duplicate of {other.path} ({reason})", warning=True)
