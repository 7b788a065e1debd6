"""What gathering costs: `digest fetch` of F subscriptions with E entries in all, served
by a real HTTP server on loopback (tests/feedserver.py), then `digest build` of what
came in, then a second fetch, which every feed answers with 304.

Each step runs the real command line in its own process; it prints the wall time
and the peak memory (ru_maxrss, of the process or of its biggest worker) of each.
Half the feeds are RSS, half Atom; half the subscriptions take the summary, half
the full text; search is off, as in bench.py's `digest` rows.

usage: python tests/benchmarks/fetch.py [--feeds 50] [--entries 1000] [--work DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from feedserver import FeedServer, Route, atom, feed_server, rss  # noqa: E402

CONFIG = "title: Desk\nbase_url: https://example.org/\ntimezone: UTC\nsearch: false\n"
PARAGRAPH = (
    "Officials said on Tuesday that the measures would take effect next month, after "
    "a review of the figures by the ministry and consultations with the regions. "
)
MEASURED = (
    "import resource, sys, time\n"
    "from generator.commands.cli import main\n"
    "started = time.perf_counter()\n"
    "status = main(sys.argv[1:])\n"
    "seconds = time.perf_counter() - started\n"
    "usage = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)\n"
    "peak = max(resource.getrusage(who).ru_maxrss for who in usage)\n"
    "print(f'MEASURED {seconds:.3f} {peak}', file=sys.stderr)\n"
    "sys.exit(status)\n"
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
        print("| step | seconds | peak memory |")
        print("|---|---|---|")
        for step in (("fetch",), ("build",), ("fetch",)):
            seconds, peak, summary = run(site, *step)
            print(f"| digest {step[0]} | {seconds:.2f} | {peak / 1e6:.0f} MB |  {summary}")


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


def run(site: Path, command: str) -> tuple[float, int, str]:
    """Run `digest COMMAND --site SITE` in its own process: its seconds, peak bytes and
    last line of output."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, command, "--site", str(site)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    lines = result.stderr.splitlines()
    measured = [line for line in lines if line.startswith("MEASURED ")]
    if result.returncode != 0 or not measured:
        raise SystemExit(f"digest {command} failed:\n{result.stdout}{result.stderr}")
    _, _, peak = measured[-1].split()
    summary = (result.stdout.strip().splitlines() or [""])[-1]
    return wall, int(peak) * 1024, summary


if __name__ == "__main__":
    main()
