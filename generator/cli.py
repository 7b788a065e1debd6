"""The `digest` command line: argument parsing and reporting only."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.build import BuildOptions, build
from generator.errors import SiteError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except SiteError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        count = len(exc.problems)
        print(
            f"{args.command} failed: {count} error{'s' * (count != 1)}; output unchanged",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    except OSError as exc:  # the file system, not the site and not a bug
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: report a bug, not a stack dump
        if args.verbose:
            traceback.print_exc()
        print(
            f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in digest; "
            "run again with --verbose for the traceback and report it.",
            file=sys.stderr,
        )
        return EXIT_BUG


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest", description="Build a static news-digest site from Markdown articles."
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site folder holding site.yaml, content/ and layouts/ "
        "(default: the current folder)",
    )
    loudness = common.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    loudness.add_argument("-v", "--verbose", action="store_true", help="print more detail")

    build_cmd = commands.add_parser(
        "build",
        parents=[common],
        help="build the site into output/",
        description="Build the site into its output folder.",
    )
    build_cmd.add_argument(
        "--output", type=Path, metavar="DIR", help="write the site here instead of SITE/output"
    )
    build_cmd.add_argument(
        "--base-url", metavar="URL", help="publish under this URL instead of site.yaml's base_url"
    )
    build_cmd.add_argument("--drafts", action="store_true", help="include draft articles")
    build_cmd.add_argument(
        "--future", action="store_true", help="include articles dated in the future"
    )
    build_cmd.set_defaults(run=_build)
    return parser


def _build(args: argparse.Namespace) -> int:
    result = build(
        BuildOptions(
            site_dir=args.site,
            output_dir=args.output,
            base_url=args.base_url,
            drafts=args.drafts,
            future=args.future,
        )
    )
    if not args.quiet:
        for warning in result.warnings:
            print(str(warning), file=sys.stderr)
        report = result.report
        print(
            f"built {result.articles} articles into {result.pages} pages and {result.assets} "
            f"files in {result.seconds:.2f}s ({report.written} written, {report.unchanged} "
            f"unchanged, {report.removed} removed; {len(result.warnings)} warnings)"
        )
    return EXIT_OK
