"""What gathering costs: `digest fetch` of F subscriptions with E entries in all, served
by a real HTTP server on loopback (tests/feedserver.py), then `digest build` of what
came in, then a second fetch, which every feed answers with 304.

Each step runs the real command line in its own process, measured as bench.py
measures a build (wall and CPU time and peak memory of the whole process tree).
Half the feeds are RSS, half Atom; half the subscriptions take the summary, half
the full text; search is off, as in bench.py's `digest` rows.

usage: python tests/benchmarks/fetch.py [--feeds 50] [--entries 1000] [--work DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from bench import Run, measure  # noqa: E402
from feedserver import FeedServer, Route, atom, feed_server, rss  # noqa: E402

CONFIG = "title: Desk\nbase_url: https://example.org/\ntimezone: UTC\nsearch: false\n"
PARAGRAPH = (
    "Officials said on Tuesday that the measures would take effect next month, after "
    "a review of the figures by the ministry and consultations with the regions. "
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--work", type=Path, help="where the site goes (default: a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary, feed_server() as server:
        site = (args.work or Path(temporary)) / "fetch-site"
        site.mkdir(parents=True)
        (site / "content").mkdir()
        serve_feeds(server, args.feeds, args.entries)
        entries = "".join(
            f"  - url: {server.url(f'/feed-{n}.xml')}\n    name: Feed {n}\n"
            + ("    content: full\n" if n % 2 else "")
            for n in range(args.feeds)
        )
        (site / "site.yaml").write_text(f"{CONFIG}subscriptions:\n{entries}")
        print(f"{args.feeds} feeds, {args.entries} entries in all")
        print("| step | wall | CPU | peak memory |")
        print("|---|---:|---:|---:|")
        for step, what in (("fetch", "first"), ("build", "cold"), ("fetch", "again, all 304")):
            measured = run(site, step)
            print(
                f"| digest {step} ({what}) | {measured.wall:.2f} s | {measured.cpu:.2f} s "
                f"| {measured.peak_mb:.0f} MB |"
            )
            if step == "build":
                articles = len(list((site / "content").rglob("*.md")))
                assert articles == args.entries, f"{articles} articles, not {args.entries}"


def serve_feeds(server: FeedServer, feeds: int, entries: int) -> None:
    """`feeds` feeds with `entries` entries between them, each with a validator."""
    for n in range(feeds):
        count = entries // feeds + (n < entries % feeds)
        body = PARAGRAPH * 6
        if n % 2:
            items = [
                (f"f{n}-{i}", f"Story {i} of feed {n}", f"<p>{body}</p>") for i in range(count)
            ]
            data = atom(f"Feed {n}", items, f"https://feed{n}.example/")
        else:
            data = rss(f"Feed {n}", [(f"f{n}-{i}", f"Story {i} of feed {n}") for i in range(count)])
        server.routes[f"/feed-{n}.xml"] = Route(data, etag=f'"{n}"', gzip=True)


def run(site: Path, command: str) -> Run:
    """Run `digest COMMAND --site SITE` in its own process, measured as bench.py measures
    a build: wall time, CPU time and peak memory of its whole process tree."""
    return measure([sys.executable, "-m", "generator", command, "--site", str(site)], site, True)


if __name__ == "__main__":
    main()
