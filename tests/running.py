"""Real `digest` processes: for the tests of builds at once and of interrupted builds, a
site big enough to take a while, a build started in the background, and the moment
it is rendering; for any test, a command's peak memory (`measured`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from conftest import REPO, children, environment, run_digest

sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
from corpus import write_corpus

CONFIG = "title: Busy Digest\nbase_url: https://example.org/\ntimezone: UTC\npage_size: 10\n"
PATIENCE = 60.0  # seconds: far more than anything waited for should take


def big_site(folder: Path, count: int = 400) -> Path:
    """A site of `count` articles, which takes a second or more to build on two cores."""
    write_corpus(count, folder / "content")
    (folder / "site.yaml").write_text(CONFIG)
    return folder


def start_build(site: Path, *extra: str | Path) -> subprocess.Popen[str]:
    """`digest build --site SITE EXTRA...` in the background, in a session of its own (so
    that a signal to its process group reaches it and its workers alone, as Ctrl-C does)."""
    command = [sys.executable, "-m", "generator", "build", "--site", str(site), *map(str, extra)]
    return subprocess.Popen(
        command,
        cwd=REPO,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for(condition: Callable[[], bool], what: str, patience: float = PATIENCE) -> None:
    """Return once `condition()` holds; fail saying `what` did not happen in time."""
    deadline = time.monotonic() + patience
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {patience:.0f} s"
        time.sleep(0.01)


def has_workers(process: subprocess.Popen[str]) -> bool:
    """Whether `process` has child processes (it is reading or rendering)."""
    return process.poll() is None and bool(children(process.pid))


def rendering(site: Path, since: float) -> Callable[[], bool]:
    """Whether a build of `site` has begun writing pages since `since` (a time.time()):
    an .html file newer than that where either kind of build stages (beside the output
    folder without the cache, .digest-cache/output-* with it)."""

    def started() -> bool:
        for place in [site / ".output.digest-staging", *site.glob(".digest-cache/output-*")]:
            for path in place.rglob("*.html"):
                try:
                    if path.stat().st_mtime > since:
                        return True
                except FileNotFoundError:
                    continue
        return False

    return started


def processes_of(session: int) -> set[int]:
    """The processes of session `session` still alive (zombies left out), from /proc:
    the build and every worker it forked, whoever their parent is now."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        state, sid = fields[0], int(fields[3])
        if sid == session and state != "Z":
            found.add(int(entry.name))
    return found


def none_left(session: int) -> bool:
    return not processes_of(session)


def kill_all(session: int) -> None:
    """Kill what is left of session `session` (after a test, whatever it found)."""
    for pid in processes_of(session):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue


def cold_build(site: Path, out: Path) -> None:
    """Build `site` into `out` without the cache, by the command line; it must succeed."""
    result = run_digest("build", "--site", site, "--output", out, "--no-cache", cwd=REPO)
    assert result.returncode == 0, result.stderr


def measured(*args: str | Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run the command line, as run_digest does; and its peak memory in bytes.

    The peak is the process's own high-water mark (VmHWM), not getrusage's ru_maxrss:
    Linux carries ru_maxrss over an exec, so a process started from a big test
    process would show that process's peak (157 MB in a full run, for 53 MB).
    """
    code = (
        "import re, sys\n"
        "from generator.commands.cli import main\n"
        "status = main(sys.argv[1:])\n"
        "status_file = open('/proc/self/status').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+) kB', status_file)[1], file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    command = [sys.executable, "-c", code, *map(str, args)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    lines = result.stderr.splitlines()
    result.stderr = "\n".join(lines[:-1]) + "\n"
    return result, int(lines[-1]) * 1024
