"""The site as the cached build holds it once read and assembled, before planning."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import jinja2

from generator.content.model import Article, LoadedContent
from generator.incremental.keys import OutputKeys
from generator.site.model import Site


@dataclass(frozen=True)
class Assembled:
    """The content stage's result and the site assembled from it, the templates, and what
    the incremental layer adds: the keys of the outputs, each article's digest (in
    the order of `content.articles`) and the fingerprint of their places (see edits.py)."""

    content: LoadedContent
    site: Site
    env: jinja2.Environment
    keys: OutputKeys
    digests: tuple[bytes, ...]
    places: str


def places_print(articles: Iterable[Article], places: Iterable[bytes]) -> str:
    """A fingerprint of the place of every article in the site: all of each but its text."""
    digest = hashlib.blake2b(digest_size=20)
    for article, place in zip(articles, places, strict=True):
        digest.update(b"%d\0%s\0%s" % (len(place), article.path.encode(), place))
    return digest.hexdigest()
