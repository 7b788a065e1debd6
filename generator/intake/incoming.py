"""One article to write, from any kind of input `digest import` reads, and the one
made from a plain-text article (generator.intake.plaintext reads its layout).

Feed entries become articles in generator.intake.feedimport (RSS and Atom) and
generator.intake.jsonfeedimport (JSON Feed).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from generator.intake.plaintext import parse_plain_text

# Ids of feed entries without one (and without a link), and of plain-text articles without
# a UUID line, are made from their text in this namespace.
ENTRY_NAMESPACE = uuid.UUID("0d8a7c52-3a4e-4f0e-9b8e-6b1f3e2c9a41")


@dataclass(frozen=True)
class Incoming:
    """One article to write, from any kind of input."""

    title: str
    id: str
    date: dt.datetime | None
    tags: tuple[str, ...]
    source: str | dict[str, str] | None
    summary: str
    body: str
    # True when the input had no title and `title` was made from its text.
    title_derived: bool = False
    updated: dt.datetime | None = None
    authors: tuple[str, ...] = ()

    @property
    def link(self) -> str:
        """Where the original is on the web, if it says."""
        source = self.source
        if isinstance(source, dict):
            return source.get("url", "")
        return source if source and source.startswith(("http://", "https://")) else ""


def from_plain_text(text: str) -> Incoming:
    article = parse_plain_text(text)
    return Incoming(
        title=article.title,
        id=article.id or str(uuid.uuid5(ENTRY_NAMESPACE, f"{article.title}\n{article.summary}")),
        date=None,
        tags=(),
        source=article.source,
        summary=article.summary,
        body="\n\n".join(article.paragraphs),
    )
