"""The arguments of each command of the command line (see cli.py), and their types."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.parallel import default_jobs

Parser = argparse.ArgumentParser


def common_options(suppress: bool = False) -> Parser:
    """The options every command takes; with `suppress`, those of a command's own
    action (`digest subscriptions import`), which leave the command's values be."""
    common = argparse.ArgumentParser(add_help=False)
    unset = argparse.SUPPRESS
    common.add_argument(
        "--site",
        type=Path,
        default=unset if suppress else Path("."),
        metavar="DIR",
        help="the site folder holding site.yaml, content/ and layouts/ (default: here)",
    )
    loudness = common.add_mutually_exclusive_group()
    for short, name, help in (
        ("-q", "--quiet", "print errors only"),
        ("-v", "--verbose", "print more detail"),
    ):
        loudness.add_argument(
            short, name, action="store_true", default=unset if suppress else False, help=help
        )
    return common


def build_arguments(sub: Parser) -> None:
    sub.add_argument("--output", type=Path, metavar="DIR", help="write here, not SITE/output")
    sub.add_argument("--base-url", metavar="URL", help="publish under this URL this time")
    sub.add_argument("--drafts", action="store_true", help="include draft articles")
    sub.add_argument("--future", action="store_true", help="include future articles")
    sub.add_argument(
        "--profile", action="store_true", help="print where the time went, stage by stage"
    )
    sub.add_argument(
        "--no-cache", action="store_true", help="read every article again, ignoring .digest-cache/"
    )
    sub.add_argument(
        "--wait", action="store_true", help="wait for another build of the site to end"
    )
    sub.add_argument(
        "--jobs",
        type=positive,
        default=default_jobs(),
        metavar="N",
        help="processes (default: cores)",
    )


def new_arguments(sub: Parser) -> None:
    sub.add_argument("title", help="the article's title")
    sub.add_argument("--tags", type=names, default=(), metavar="A,B", help="its tags")
    sub.add_argument("--source", metavar="S", help="where the story came from: name or URL")


def import_arguments(sub: Parser) -> None:
    # As given, not as Path, which would make "https://x" "https:/x": a URL is refused.
    sub.add_argument("paths", nargs="+", metavar="PATH", help="files to import")
    sub.add_argument("--tags", type=names, default=(), metavar="A,B", help="add tags")
    sub.add_argument("--date", metavar="DATE", help="date every article (ISO 8601)")
    sub.add_argument("--draft", action="store_true", help="import as drafts")


def fetch_arguments(sub: Parser) -> None:
    sub.add_argument(
        "names", nargs="*", metavar="NAME", help="fetch only these subscriptions (names or URLs)"
    )
    sub.add_argument("--build", action="store_true", help="build the site if anything is new")
    sub.add_argument(
        "--connections", type=positive, default=4, metavar="N", help="feeds at once (default: 4)"
    )


def subscriptions_arguments(sub: Parser) -> None:
    actions = sub.add_subparsers(dest="action", required=True, metavar="ACTION")
    common = common_options(suppress=True)
    read = actions.add_parser(
        "import",
        parents=[common],
        help="add the feeds of an OPML file to site.yaml",
        description="Add the feeds of an OPML file to site.yaml's subscriptions.",
    )
    read.add_argument("file", type=Path, metavar="FILE", help="an OPML file (from a feed reader)")
    write = actions.add_parser(
        "export",
        parents=[common],
        help="write the subscriptions as OPML",
        description="Write site.yaml's subscriptions as OPML 2.0, for a feed reader.",
    )
    write.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write here, not to standard output"
    )


def check_arguments(sub: Parser) -> None:
    sub.add_argument("--strict", action="store_true", help="fail on warnings too")


def serve_arguments(sub: Parser) -> None:
    sub.add_argument("--port", type=port, default=8000, help="port (default: 8000)")
    sub.add_argument("--bind", default="127.0.0.1", help="address (default: 127.0.0.1)")
    sub.add_argument("--no-drafts", action="store_true", help="hide drafts")
    sub.add_argument(
        "--output", type=Path, metavar="DIR", help="build here (default: SITE/.digest-cache/serve)"
    )


def positive(text: str) -> int:
    """A whole number above 0, for argparse."""
    number = whole(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def port(text: str) -> int:
    """A TCP port, for argparse: 0 (any free one) to 65535."""
    number = whole(text)
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, not {number}")
    return number


def whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())
