"""The `digest` command line: argument parsing and reporting only.

Each command's work lives in its own module; this one turns arguments into
calls and results into lines on the terminal. Exit codes: 0 success, 1 errors
in the site (or an import that refused something), 2 a usage error, 3 a bug,
130 Ctrl-C, 143 SIGTERM (a build stopped, its output folder as it was).
"""

from __future__ import annotations

import argparse
import errno
import gc
import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from types import FrameType
from typing import NamedTuple, NoReturn

from generator import __version__
from generator.commands.arguments import (
    build_arguments,
    check_arguments,
    common_options,
    fetch_arguments,
    import_arguments,
    new_arguments,
    serve_arguments,
    subscriptions_arguments,
)
from generator.commands.terminal import ProgressBar, StageClock
from generator.content.dates import parse_date
from generator.errors import Problem, SiteError
from generator.incremental.build import build
from generator.parallel import collector_paused
from generator.pipeline import BuildOptions
from generator.settings.config import load_config
from generator.text import plural

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM  # as a shell
Parser = argparse.ArgumentParser


def run() -> NoReturn:
    """The `digest` command: `main`, then out without tearing Python down.

    A build leaves about a million objects behind. Freeing them one by one on
    the way out took 30-90 ms at 10,000 articles, and so did the first
    collection of Python's cycle collector after the build (which pauses
    it), so a build run from here leaves it off (see `main`). By the time
    `main` returns, every file it wrote is closed; only the standard streams
    are flushed here (exit status 120 if one cannot be, as Python's own exit).
    """
    code = main(exiting=True)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # closed, full, or a pipe nobody reads
            code = code or 120
    os._exit(code)


def main(argv: Sequence[str] | None = None, exiting: bool = False) -> int:
    """Run the command `argv` (by default, the process's arguments); its exit status.

    `exiting`: the process ends when this returns, so a build may leave the
    cycle collector off (see `run`).
    """
    args = _parser().parse_args(argv)
    if exiting and args.command == "build":
        gc.disable()
    # SIGTERM ends a build as Ctrl-C does (serve stops on it by itself).
    terminate = signal.getsignal(signal.SIGTERM)
    if args.command == "build":
        signal.signal(signal.SIGTERM, _terminated)
    try:
        return _run(args)
    finally:
        if args.command == "build":
            signal.signal(signal.SIGTERM, terminate)


class Terminated(BaseException):
    """SIGTERM came: raised where this process was, to be unwound like Ctrl-C (a
    BaseException, which no `except Exception` of the build takes for a failure)."""


def _terminated(signum: int, frame: FrameType | None) -> NoReturn:
    raise Terminated


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command; its exit status, each failure reported as a line."""
    try:
        return int(args.run(args))
    except SiteError as exc:
        for problem in exc.problems:
            print(f"{'' if problem.warning else 'error: '}{problem}", file=sys.stderr)
        count = sum(not problem.warning for problem in exc.problems)
        unchanged = "; output unchanged" if args.command == "build" else ""
        print(f"{args.command} failed: {plural(count, 'error')}{unchanged}", file=sys.stderr)
        return EXIT_CONTENT
    except OSError as exc:  # the file system, not the site and not a bug
        print(f"error: {_file_system_error(exc)}", file=sys.stderr)
        if args.command == "build":
            print("build failed; output unchanged", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except Exception as exc:  # last resort: report a bug, not a stack dump
        if args.verbose:
            traceback.print_exc()
        print(
            f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in digest; "
            "run again with --verbose for the traceback and report it.",
            file=sys.stderr,
        )
        return EXIT_BUG


# What a person can do about the errors of the file system a build meets most.
_HINTS = {
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the file system is read-only",
    errno.EBUSY: "it is in use, or a mount point, which cannot be replaced",
    errno.EACCES: "no permission to write there",
    errno.EPERM: "no permission to write there",
}


def _file_system_error(exc: OSError) -> str:
    """`exc` as a person reads it: the file, what went wrong, and what it means."""
    where = f"{exc.filename}: " if exc.filename else ""
    hint = _HINTS.get(exc.errno or 0)
    return f"{where}{exc.strerror or exc}" + (f" ({hint})" if hint else "")


def _parser() -> argparse.ArgumentParser:
    """The command line: the options every command takes, and each command's own."""
    parser = argparse.ArgumentParser(
        prog="digest",
        description="Build a static news-digest site from Markdown articles.",
        allow_abbrev=False,  # `--dra` is not `--drafts`: a typo is an error
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = common_options()
    for name, summary, run, arguments in _COMMANDS:
        sub = commands.add_parser(
            name, parents=[common], help=summary, description=summary, allow_abbrev=False
        )
        sub.set_defaults(run=run)
        arguments(sub)
    return parser


def _print_warnings(args: argparse.Namespace, warnings: Sequence[Problem]) -> None:
    if not args.quiet:
        for warning in warnings:
            print(str(warning), file=sys.stderr)


def _build(args: argparse.Namespace) -> int:
    clock = StageClock(ProgressBar(enabled=sys.stderr.isatty() and not args.quiet))
    options = BuildOptions(
        site_dir=args.site,
        output_dir=args.output,
        base_url=args.base_url,
        drafts=args.drafts,
        future=args.future,
        jobs=args.jobs,
        cache=not args.no_cache,
        wait=args.wait,
        progress=clock,
    )
    with collector_paused():  # a build makes few cycles in a growing heap (see parallel.py)
        result = build(options)
    _print_warnings(args, result.warnings)
    if not args.quiet:
        print(result.summary())
    if args.profile:
        print(clock.report())
    return EXIT_OK


# The commands below import their modules when run: feedparser and watchdog
# take long to load, and `digest build` should not wait for them.


def _new(args: argparse.Namespace) -> int:
    from generator.intake.authoring import new_article

    path = new_article(args.site, args.title, args.tags, args.source)
    print(path)
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from generator.intake.importer import ImportOptions, import_paths

    date = None
    if args.date:
        try:
            date = parse_date(args.date, load_config(args.site).tz)
        except ValueError as exc:
            print(f"digest import: error: --date: {exc}", file=sys.stderr)
            return EXIT_USAGE
    options = ImportOptions(tags=args.tags, date=date, draft=args.draft)
    outcomes = import_paths(args.paths, args.site, options)
    for outcome in outcomes:
        if not args.quiet or outcome.action == "refused":
            print(outcome, file=sys.stderr if outcome.action == "refused" else sys.stdout)
    return EXIT_CONTENT if any(o.action == "refused" for o in outcomes) else EXIT_OK


def _fetch(args: argparse.Namespace) -> int:
    from generator.commands.gathering import fetch_command

    return fetch_command(args)


def _subscriptions(args: argparse.Namespace) -> int:
    from generator.commands.gathering import subscriptions_command

    return subscriptions_command(args)


def _check(args: argparse.Namespace) -> int:
    from generator.commands.check import check_site

    warnings = check_site(args.site)
    for warning in warnings:  # what check is run for: printed even with --quiet
        print(str(warning), file=sys.stderr)
    failed = args.strict and bool(warnings)
    if not args.quiet or failed:
        outcome = "failed (--strict)" if failed else "passed"
        print(
            f"check {outcome}: {plural(len(warnings), 'warning')}",
            file=sys.stderr if failed else sys.stdout,
        )
    return EXIT_CONTENT if failed else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from generator.serve.server import ServeOptions, serve

    options = ServeOptions(
        site_dir=args.site,
        port=args.port,
        bind=args.bind,
        drafts=not args.no_drafts,
        output_dir=args.output,
        quiet=args.quiet,
    )
    serve(options)
    return EXIT_OK


class _Command(NamedTuple):
    name: str
    summary: str
    run: Callable[[argparse.Namespace], int]
    arguments: Callable[[Parser], None]  # adds the command's own


_COMMANDS = (
    _Command("build", "Build the site into its output folder.", _build, build_arguments),
    _Command("new", "Write a new draft article and print its path.", _new, new_arguments),
    _Command(
        "import",
        "Bring outside articles in: plain-text files, RSS or Atom.",
        _import,
        import_arguments,
    ),
    _Command("fetch", "Fetch the subscribed feeds; import what is new.", _fetch, fetch_arguments),
    _Command(
        "subscriptions",
        "Import subscriptions from OPML, or export them.",
        _subscriptions,
        subscriptions_arguments,
    ),
    _Command("check", "Check the whole site without writing anything.", _check, check_arguments),
    _Command(
        "serve",
        "Build, serve, rebuild on change and reload the browser.",
        _serve,
        serve_arguments,
    ),
)
