"""A build killed, terminated or interrupted while it renders (issue 18): nothing of it is
left running, it exits as a shell expects, the previous site stays, and the next build
is what a clean one makes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import assert_same_as_cold, build_with_cli, tree
from running import (
    big_site,
    has_workers,
    kill_all,
    none_left,
    processes_of,
    rendering,
    start_build,
    wait_for,
)

KINDS = {"cached": [], "no cache": ["--no-cache"]}
# Each signal, how it is sent (Ctrl-C on a terminal goes to the whole process group,
# `kill` to the build alone) and the exit status it must end the build with.
SIGNALS = {
    "SIGKILL": (signal.SIGKILL, os.kill, -signal.SIGKILL),
    "SIGTERM": (signal.SIGTERM, os.kill, 128 + signal.SIGTERM),
    "SIGINT": (signal.SIGINT, os.killpg, 128 + signal.SIGINT),
    "SIGINT to the build alone": (signal.SIGINT, os.kill, 128 + signal.SIGINT),
}
SETTLING = 5.0  # seconds for what is left of a build to end, once it has


def staged(site: Path) -> list[str]:
    """What stands beside the output folder: where a build without the cache stages."""
    return sorted(p.name for p in site.glob(".output*"))


def retitle(site: Path) -> None:
    """Another title for the site: the next build makes every page and feed again."""
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("title: Busy Digest", "title: Busier Digest"))


def interrupt_while_rendering(
    site: Path, name: str, *extra: str
) -> tuple[subprocess.Popen[str], str, float]:
    """Start a build of `site`, send it signal `name` once it writes pages, and wait for
    it and everything it started to end; the build, what it printed on stderr and how
    long it took to end."""
    number, send, _ = SIGNALS[name]
    since = time.time()
    time.sleep(0.05)  # what the last build wrote is older than `since`
    build = start_build(site, *extra)
    try:
        wait_for(rendering(site, since), "rendering")
        assert has_workers(build), "the build renders without workers"
        sent = time.monotonic()
        send(build.pid, number)
        _, err = build.communicate(timeout=60)
        ended = time.monotonic() - sent
        wait_for(lambda: none_left(build.pid), "the end of the build's workers", SETTLING)
    finally:
        left = processes_of(build.pid)
        kill_all(build.pid)
    assert not left, f"left running: {left}"
    return build, err, ended


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", SIGNALS)
def test_an_interrupted_build_leaves_nothing_running_and_the_site_as_it_was(
    tmp_path: Path, name: str, kind: str
) -> None:
    site, extra = big_site(tmp_path / "site"), KINDS[kind]
    build_with_cli(site, *extra)
    before = tree(site / "output")
    retitle(site)
    build, err, _ = interrupt_while_rendering(site, name, *extra)
    assert build.returncode == SIGNALS[name][2], err
    assert tree(site / "output") == before
    if name != "SIGKILL":  # which leaves what it staged to the next build
        assert err.strip().splitlines()[-1] in ("interrupted", "terminated"), err
        assert staged(site) == []
    build_with_cli(site, *extra)
    assert_same_as_cold(site, site / "output")
    assert staged(site) == []


@pytest.mark.parametrize("name", ["SIGINT", "SIGINT to the build alone"])
def test_ctrl_c_stops_a_long_render_within_moments(tmp_path: Path, name: str) -> None:
    # Rendering this site takes several seconds on two cores.
    site = big_site(tmp_path / "site", 4000)
    build, err, ended = interrupt_while_rendering(site, name, "--no-cache")
    assert build.returncode == 128 + signal.SIGINT, err
    assert ended < 2.0, f"Ctrl-C took {ended:.1f} s to stop the build"
    assert not (site / "output").exists()
    assert staged(site) == []
