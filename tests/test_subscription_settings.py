"""The `subscriptions:`, `fetch_timeout` and `fetch_max_bytes` keys of site.yaml: what
`digest check` says of each mistake, at its line; what `load_gathering` gives of a good
list; and that they shape no page, so a cached build changes nothing for them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TEST_CONFIG, SiteMaker, article, edit, mtimes, run_digest

from generator.settings.config import load_gathering
from generator.settings.subscriptions import Gathering, Subscription

FIRST = TEST_CONFIG.count("\n") + 1  # the line of the first key added to TEST_CONFIG

# (what follows TEST_CONFIG, the line of the problem counted from FIRST, what it says)
MISTAKES = {
    "not http(s)": (
        "subscriptions:\n  - url: ftp://x.example/feed\n",
        1,
        "url must be the absolute http(s) URL of a feed, got 'ftp://x.example/feed'",
    ),
    "a string not http(s)": (
        "subscriptions:\n  - feed://x.example/feed\n",
        1,
        "url must be the absolute http(s) URL of a feed, got 'feed://x.example/feed'",
    ),
    "no url": (
        "subscriptions:\n  - url: https://a.example/rss\n  - name: No URL\n    tags: [Asia]\n",
        2,
        "url must be the absolute http(s) URL of a feed, got None",
    ),
    "unknown key": (
        "subscriptions:\n  - url: https://a.example/rss\n    name: A\n    title: A\n",
        3,
        "unknown key 'title'; known keys: url, name, tags, source, draft, content",
    ),
    "content": (
        "subscriptions:\n  - url: https://a.example/rss\n    content: all\n",
        2,
        "content must be one of summary, full, got 'all'",
    ),
    "draft": (
        'subscriptions:\n  - url: https://a.example/rss\n    draft: "yes"\n',
        2,
        "draft must be true or false, got 'yes'",
    ),
    "tags": (
        "subscriptions:\n  - url: https://a.example/rss\n    tags: 5\n",
        2,
        "tags must be a list of tag names, got 5",
    ),
    "url twice": (
        "subscriptions:\n  - url: https://a.example/rss\n    name: A\n"
        "  - https://b.example/rss\n  - url: https://a.example/rss\n",
        4,
        f"subscription 'https://a.example/rss' is listed twice (first on line {FIRST + 1})",
    ),
    "name twice": (
        "subscriptions:\n  - url: https://a.example/rss\n    name: Wire\n"
        "  - url: https://b.example/rss\n    name: Wire\n",
        3,
        f"subscription 'wire' is listed twice (first on line {FIRST + 1})",
    ),
    "not a list": (
        "subscriptions: {a: b}\n",
        0,
        "subscriptions must be a list of {url: ...} entries, got dict",
    ),
    "timeout 0": (
        "fetch_timeout: 0\n",
        0,
        "fetch_timeout must be a number of seconds above 0, got 0",
    ),
    "timeout text": (
        'fetch_timeout: "fast"\n',
        0,
        "fetch_timeout must be a number of seconds above 0, got 'fast'",
    ),
    "bytes 1.5": (
        "fetch_max_bytes: 1.5\n",
        0,
        "fetch_max_bytes must be a whole number of bytes above 0, got 1.5",
    ),
}


def problem_lines(stderr: str) -> list[str]:
    """The `site.yaml:LINE: message` lines of stderr, without an `error: ` before them."""
    lines = (line.removeprefix("error: ") for line in stderr.splitlines())
    return [line for line in lines if line.startswith("site.yaml:")]


@pytest.mark.parametrize(("extra", "line", "message"), MISTAKES.values(), ids=MISTAKES.keys())
def test_digest_check_names_the_line_of_each_mistake(
    make_site: SiteMaker, extra: str, line: int, message: str
) -> None:
    site = make_site(config=TEST_CONFIG + extra)
    result = run_digest("check", "--site", site)
    assert result.returncode == 1, result.stdout
    assert problem_lines(result.stderr) == [f"site.yaml:{FIRST + line}: {message}"], result.stderr


def test_every_mistake_is_reported_at_once_and_a_build_refuses_too(make_site: SiteMaker) -> None:
    extra = (
        "fetch_timeout: -1\n"
        "subscriptions:\n"
        "  - url: http:/broken\n"
        "  - url: https://a.example/rss\n"
        "    content: everything\n"
        "  - 42\n"
    )
    site = make_site({"content/a.md": article("Story", id="a")}, config=TEST_CONFIG + extra)
    for command in ("check", "build"):
        result = run_digest(command, "--site", site)
        assert result.returncode == 1, result.stdout
        lines = [line.split(":")[1] for line in problem_lines(result.stderr)]
        assert lines == [str(FIRST + n) for n in (0, 2, 4, 5)], result.stderr
    assert not (site / "output").exists()


GOOD = """\
fetch_timeout: 12.5
fetch_max_bytes: 2000000
subscriptions:
  - url: https://wire.example.org/asia/rss.xml
    name: Asia Wire
    tags: [Asia, North Korea]
    source: The Wire
    draft: true
    content: full
  - https://bare.example.net/feed.xml
  - url: HTTPS://Shouting.example.com/Feed
    tags: Energy
    draft: false
    content: summary
"""


def test_a_good_list_passes_and_loads_with_its_defaults(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("Story", id="a")}, config=TEST_CONFIG + GOOD)
    result = run_digest("check", "--site", site)
    assert result.returncode == 0, result.stderr
    assert "check passed" in result.stdout
    assert load_gathering(site) == Gathering(
        subscriptions=(
            Subscription(
                url="https://wire.example.org/asia/rss.xml",
                name="Asia Wire",
                tags=("Asia", "North Korea"),
                source="The Wire",
                draft=True,
                content="full",
            ),
            Subscription(url="https://bare.example.net/feed.xml"),  # a string is a url
            Subscription(url="HTTPS://Shouting.example.com/Feed", tags=("Energy",)),
        ),
        timeout=12.5,
        max_bytes=2_000_000,
    )
    bare = load_gathering(site).subscriptions[1]
    assert (bare.name, bare.tags, bare.source, bare.draft, bare.content) == (
        "",
        (),
        "",
        False,
        "summary",
    )
    assert bare.label == "https://bare.example.net/feed.xml"


def test_a_site_without_subscriptions_has_none_and_the_default_limits(
    make_site: SiteMaker,
) -> None:
    site = make_site()
    assert load_gathering(site) == Gathering(subscriptions=(), timeout=30, max_bytes=10_000_000)
    (site / "site.yaml").write_text(TEST_CONFIG + "subscriptions:\nfetch_timeout:\n")
    assert load_gathering(site) == Gathering()
    assert run_digest("check", "--site", site).returncode == 0


CHANGES = {
    "a subscription added": lambda site: edit(
        site, "site.yaml", "name: Old\n", "name: Old\n  - url: https://new.example/rss\n"
    ),
    "a subscription changed": lambda site: edit(
        site, "site.yaml", "name: Old", "name: Older\n    draft: true\n    tags: [Asia]"
    ),
    "a subscription removed": lambda site: edit(
        site, "site.yaml", "  - url: https://old.example/rss\n    name: Old\n", ""
    ),
    "fetch limits": lambda site: edit(
        site, "site.yaml", "fetch_timeout: 30", "fetch_timeout: 5\nfetch_max_bytes: 1000"
    ),
}
STORIES = {
    "content/a.md": article("Storm", id="a", tags="[Asia]"),
    "content/b.md": article("Calm", "2025-03-13T09:00:00+00:00", id="b", tags="[Trade]"),
}


def built(site: Path) -> dict[str, int]:
    """`digest build` of `site`, which must succeed; the mtime of each output."""
    result = run_digest("build", "--site", site)
    assert result.returncode == 0, result.stderr
    return mtimes(site / "output")


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_changing_only_the_gathering_keys_makes_no_page_again(
    make_site: SiteMaker, change: Callable[[Path], None]
) -> None:
    old = "subscriptions:\n  - url: https://old.example/rss\n    name: Old\nfetch_timeout: 30\n"
    site = make_site(STORIES, config=TEST_CONFIG + old)
    index = site / "output" / "index.html"
    before = built(site)
    stat = index.stat()
    change(site)
    load_gathering(site)  # still a good site.yaml
    after = built(site)
    assert (index.stat().st_ino, index.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    changed = sorted(name for name, mtime in after.items() if before.get(name) != mtime)
    assert changed == [] and after.keys() == before.keys()


def test_changing_a_setting_that_shapes_pages_does_make_them_again(make_site: SiteMaker) -> None:
    # the other side of the test above: the same look at index.html does see a new page
    site = make_site(STORIES)
    index = site / "output" / "index.html"
    built(site)
    stat = index.stat()
    edit(site, "site.yaml", "title: Test Digest", "title: Another Digest")
    built(site)
    assert (index.stat().st_ino, index.stat().st_mtime_ns) != (stat.st_ino, stat.st_mtime_ns)
    assert b"Another Digest" in index.read_bytes()
