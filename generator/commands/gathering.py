"""`digest fetch` and `digest subscriptions import|export` on the terminal: what each
feed came to, a line each, and a summary (see generator/gather/ for the work)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from generator.commands.terminal import ProgressBar
from generator.errors import SiteError
from generator.gather.fetch import FAILED, FETCHED, NOT_MODIFIED, FeedReport, fetch
from generator.gather.opml import OpmlError, from_opml, to_opml
from generator.gather.siteyaml import add_subscriptions, entry, rewrite
from generator.incremental.lock import FETCH_LOCK_NAME, build_lock
from generator.intake.importer import IMPORTED, REFUSED, SKIPPED
from generator.settings.config import (
    CONFIG_FILE,
    config_from_mapping,
    load_gathering,
    load_settings,
)
from generator.settings.subscriptions import Subscription, url_key
from generator.settings.yamlfile import YamlError

EXIT_OK, EXIT_FAILED = 0, 1


def fetch_command(args: argparse.Namespace) -> int:
    """Fetch, say what each feed came to, and build if asked and anything is new."""
    bar = ProgressBar(enabled=sys.stderr.isatty() and not args.quiet)
    result = fetch(args.site, args.names, args.connections, bar)
    for report in result.reports:
        _say(report, args)
    failed = result.count(FAILED) + result.articles(REFUSED)
    if failed or not args.quiet:
        print(result.summary(), file=sys.stderr if failed else sys.stdout)
    code = EXIT_FAILED if failed else EXIT_OK
    if args.build and result.articles(IMPORTED):
        code = max(code, _build(args))
    return code


def _say(report: FeedReport, args: argparse.Namespace) -> None:
    """The lines of one feed's report: failures and refusals on stderr, even with -q."""
    subscription = report.subscription
    label = subscription.label
    if report.status == FAILED:
        where = f" ({subscription.url})" if subscription.name else ""
        print(f"failed {label}{where}: {report.reason}", file=sys.stderr)
        return
    for outcome in report.outcomes:
        if outcome.action == REFUSED:
            print(outcome, file=sys.stderr)
        elif args.verbose:
            print(outcome)
    if report.note:
        print(f"warning: {label}: {report.note}", file=sys.stderr)
    if args.quiet:
        return
    if report.moved_to:
        print(f"moved {label}: {subscription.url} -> {report.moved_to} (site.yaml updated)")
    if report.status == NOT_MODIFIED:
        print(f"not modified {label}")
    elif report.status == FETCHED:
        print(f"fetched {label}: {report.count(IMPORTED)} new, {report.count(SKIPPED)} skipped")


def _build(args: argparse.Namespace) -> int:
    """Build the site after a fetch; a failed build leaves its output as it was."""
    from generator.commands.terminal import StageClock
    from generator.incremental.build import build
    from generator.parallel import collector_paused
    from generator.pipeline import BuildOptions

    clock = StageClock(ProgressBar(enabled=sys.stderr.isatty() and not args.quiet))
    try:
        with collector_paused():
            result = build(BuildOptions(site_dir=args.site, progress=clock))
    except SiteError as exc:
        for problem in exc.problems:
            print(f"{'' if problem.warning else 'error: '}{problem}", file=sys.stderr)
        print("build failed; output unchanged", file=sys.stderr)
        return EXIT_FAILED
    if not args.quiet:
        for warning in result.warnings:
            print(str(warning), file=sys.stderr)
        print(result.summary())
    return EXIT_OK


def subscriptions_command(args: argparse.Namespace) -> int:
    if args.action == "export":
        return _export(args.site, args.output)
    return _import(args.site, args.file, args.quiet)


def _export(site: Path, output: Path | None) -> int:
    config, gathering = load_settings(site)
    document = to_opml(config.title, gathering.subscriptions)
    if output is None:
        sys.stdout.write(document)
    else:
        output.write_text(document, encoding="utf-8")
    return EXIT_OK


def _import(site: Path, file: Path, quiet: bool) -> int:
    """Add the subscriptions of the OPML `file` that site.yaml does not have yet."""
    subscriptions = load_gathering(site).subscriptions
    try:
        found = from_opml(file.read_bytes())
    except (OSError, OpmlError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        print(f"error: {file}: {reason}", file=sys.stderr)
        return EXIT_FAILED
    urls = {url_key(s.url) for s in subscriptions}
    names = {s.name.casefold() for s in subscriptions}
    added: list[Subscription] = []
    refused = 0
    for subscription in found:
        problem = _problem(subscription)
        if problem:
            refused += 1
            print(f"refused {subscription.url}: {problem}", file=sys.stderr)
        elif url_key(subscription.url) in urls:
            if not quiet:
                print(f"skipped {subscription.url}: already subscribed")
        else:
            subscription = _named_apart(subscription, names)
            urls.add(url_key(subscription.url))
            names.add(subscription.name.casefold())
            added.append(subscription)
    if added:
        with build_lock(site, name=FETCH_LOCK_NAME):  # a fetch may rewrite site.yaml too
            if not _add(site, added):
                return EXIT_FAILED
    if not quiet:
        for subscription in added:
            print(f"added {subscription.label}")
        print(f"subscriptions: {len(added)} added, {len(found) - len(added) - refused} skipped")
    return EXIT_FAILED if refused else EXIT_OK


def _add(site: Path, added: list[Subscription]) -> bool:
    """Write `added` into site.yaml; False, saying why, if that cannot be done."""
    path = site / CONFIG_FILE
    try:
        with path.open(encoding="utf-8", newline="") as stream:  # CRLF stays CRLF
            text = stream.read()
        rewrite(site, add_subscriptions(text, added))
    except (YamlError, SiteError) as exc:
        reason = str(exc).splitlines()[0]
        print(
            f"error: {CONFIG_FILE}: cannot add the subscriptions there ({reason}); "
            "add them by hand, or export the file to see them",
            file=sys.stderr,
        )
        return False
    return True


def _named_apart(subscription: Subscription, names: set[str]) -> Subscription:
    """`subscription`, with "(2)", "(3)", ... after its name if another has it (reader
    exports often have a "News" in each folder)."""
    name, number = subscription.name, 1
    while name and name.casefold() in names:
        number += 1
        name = f"{subscription.name} ({number})"
    return dataclasses.replace(subscription, name=name)


def _problem(subscription: Subscription) -> str:
    """What site.yaml would say of `subscription`, or ""."""
    try:
        config_from_mapping({"subscriptions": [entry(subscription)]})
    except SiteError as exc:
        return "; ".join(problem.message for problem in exc.problems)
    return ""
