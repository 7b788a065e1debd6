"""A deterministic corpus of news articles for benchmarks, in digest's and Pelican's formats.

Each article has about 600 words in paragraphs, a list and a subheading,
2-5 tags drawn from a skewed distribution (a few tags are on many articles,
most on few), a UUID, a summary, a source and a date within two years. The
same seed gives byte-identical files.

usage: python tests/benchmarks/corpus.py N DIR [--format yaml|pelican]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import uuid
from dataclasses import dataclass
from pathlib import Path

VOCABULARY = (
    "troops military cooperation summit defense agreement missile artillery supply border "
    "ministry report analysts estimate casualties deployment training satellite launch "
    "technology sanctions trade energy pipeline election parliament budget inflation market "
    "shares exports minister president talks ceasefire negotiations region security alliance "
    "exercise navy infrastructure power towers industrial complex winter reconnaissance "
    "nuclear program weapons strategy diplomatic relations visit meeting leaders officials "
    "statement government economy"
)
WORDS = VOCABULARY.split()
# Named topics first (the popular ones), then a long tail. Zero-padded numbers keep the
# names apart in Pelican's paginated tag files (`tag/desk-006` page 2 is `desk-0062`).
TAGS = [
    "north-korea", "russia", "ukraine", "south-korea", "china", "japan", "united-states",
    "europe", "defense", "nuclear", "diplomacy", "economy", "energy", "trade", "sanctions",
    "elections", "technology", "space", "climate", "health",
] + [f"desk-{i:03d}" for i in range(180)]  # fmt: skip
START = dt.datetime(2024, 1, 1, 6, 0, tzinfo=dt.UTC)
SEED = 20250101


@dataclass(frozen=True)
class Story:
    number: int
    title: str
    date: dt.datetime
    id: str
    tags: tuple[str, ...]
    summary: str
    body: str


def sentence(r: random.Random) -> str:
    return " ".join(r.choice(WORDS) for _ in range(r.randint(8, 22))).capitalize() + "."


def paragraph(r: random.Random) -> str:
    return " ".join(sentence(r) for _ in range(r.randint(3, 6)))


def story(number: int, r: random.Random) -> Story:
    title = " ".join(r.choice(WORDS) for _ in range(r.randint(5, 9))).title()
    date = START + dt.timedelta(minutes=r.randint(0, 2 * 365 * 24 * 60))
    picks = {
        TAGS[min(int(r.paretovariate(1.0)) - 1, len(TAGS) - 1)]
        if r.random() < 0.7
        else r.choice(TAGS)
        for _ in range(r.randint(2, 5))
    }
    body = []
    for part in range(r.randint(5, 9)):
        body.append(paragraph(r))
        if part == 2:
            body.append("\n".join(f"- {sentence(r)}" for _ in range(3)))
        if part == 4:
            body.append(f"## {sentence(r)[:-1]}")
            body.append(f"As [reported earlier](https://example.org/news/{number}) it is *tense*.")
    return Story(
        number=number,
        title=title,
        date=date,
        id=str(uuid.UUID(int=r.getrandbits(128))),
        tags=tuple(sorted(picks)),
        summary=f"{sentence(r)} {sentence(r)}",
        body="\n\n".join(body),
    )


def stories(count: int) -> list[Story]:
    r = random.Random(SEED)
    return [story(n, r) for n in range(count)]


def as_yaml(s: Story) -> str:
    return (
        f'---\ntitle: "{s.title}"\ndate: {s.date.isoformat()}\nid: {s.id}\n'
        f'tags: [{", ".join(s.tags)}]\nsummary: "{s.summary}"\nsource: example.org\n---\n\n'
        f"{s.body}\n"
    )


def as_pelican(s: Story) -> str:
    return (
        f"Title: {s.title}\nDate: {s.date:%Y-%m-%d %H:%M}\nSlug: article-{s.number:06d}\n"
        f"Tags: {', '.join(s.tags)}\nSummary: {s.summary}\n\n{s.body}\n"
    )


def write_corpus(count: int, folder: Path, style: str = "yaml") -> None:
    """Write `count` articles into `folder` as article-000000.md ..."""
    folder.mkdir(parents=True, exist_ok=True)
    render = as_yaml if style == "yaml" else as_pelican
    for s in stories(count):
        (folder / f"article-{s.number:06d}.md").write_text(render(s), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--format", choices=["yaml", "pelican"], default="yaml")
    args = parser.parse_args()
    write_corpus(args.count, args.folder, args.format)


if __name__ == "__main__":
    main()
