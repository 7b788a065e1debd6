"""Warnings about stories that may have been collected twice."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

from generator.content.model import Article
from generator.content.slugs import slugify
from generator.errors import Problem

TITLE_WINDOW = dt.timedelta(days=3)
# Parameters that say where a reader came from, not which story: those of Google,
# Facebook, Microsoft, Mailchimp, Instagram and Yandex ads and mailings.
_TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
    }
)


def possible_duplicates(articles: Iterable[Article]) -> list[Problem]:
    """Pairs with the same source URL, or the same normalised title within 3 days."""
    by_url: dict[str, list[Article]] = defaultdict(list)
    by_title: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.source is not None and article.source.url:
            by_url[story_url(article.source.url)].append(article)
        by_title[slugify(article.title)].append(article)
    warnings = []
    for group in by_url.values():
        first, *others = sorted(group, key=lambda a: a.path)
        url = first.source.url if first.source is not None else ""
        warnings += [_warning(first, other, f"same source URL {url}") for other in others]
    for group in by_title.values():
        group.sort(key=lambda a: (a.date, a.path))
        for earlier, later in itertools.pairwise(group):
            if later.date - earlier.date <= TITLE_WINDOW:
                warnings.append(_warning(earlier, later, "same title within 3 days"))
    return sorted(warnings)


def story_url(url: str) -> str:
    """`url` as the story it names: without its scheme, fragment, tracking parameters
    (utm_*, fbclid, ...) and final slash, its host in lower case."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracks(k)]
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"//{host}{path}" + (f"?{urlencode(query)}" if query else "")


def _tracks(parameter: str) -> bool:
    name = parameter.lower()
    return name.startswith("utm_") or name in _TRACKING


def _warning(one: Article, other: Article, reason: str) -> Problem:
    return Problem(one.path, None, f"possible duplicate of {other.path} ({reason})", warning=True)
