"""`digest fetch`: every subscription (or those named) downloaded a few at once, then
each feed's new entries imported as articles, in the order site.yaml lists them.

A feed that fails is one report among the others: nothing of it is written,
and what was kept of it stays as it was. A feed whose entries could not all
be written keeps its old validators, so that the next fetch downloads it
whole rather than take a 304 for it. A feed that moved for good (every
redirect a 301 or 308) gets its new URL in site.yaml. Entries become
articles through the importer of `digest import` (generator.intake.importer),
with the subscription's tags, draft, source and content; the ids of each
feed's last entries are kept, so that an article a curator deleted does not
come back on the next fetch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from generator.errors import Problem, SiteError
from generator.gather import download, http
from generator.gather.siteyaml import replace_url, rewrite
from generator.gather.state import Kept, load_state, save_state
from generator.incremental.lock import FETCH_LOCK_NAME, build_lock
from generator.intake.authoring import existing_ids
from generator.intake.importer import (
    IMPORTED,
    REFUSED,
    SKIPPED,
    Importer,
    ImportOptions,
    ImportOutcome,
)
from generator.intake.plaintext import Refused
from generator.settings.config import CONFIG_FILE, SiteConfig, load_settings
from generator.settings.subscriptions import Subscription, url_key
from generator.settings.yamlfile import YamlError
from generator.text import plural

FETCHED, NOT_MODIFIED, FAILED = "fetched", "not modified", "failed"
CONNECTIONS = 4  # at once: a few, as a polite aggregator opens


@dataclass(frozen=True)
class FeedReport:
    """What one fetch of one subscription came to."""

    subscription: Subscription
    status: str  # FETCHED, NOT_MODIFIED or FAILED
    reason: str = ""  # why it failed
    moved_to: str = ""  # its new URL, written into site.yaml
    note: str = ""  # what else a person should know
    outcomes: tuple[ImportOutcome, ...] = ()

    def count(self, action: str) -> int:
        return sum(outcome.action == action for outcome in self.outcomes)


@dataclass(frozen=True)
class FetchResult:
    reports: tuple[FeedReport, ...] = field(default_factory=tuple)

    def count(self, status: str) -> int:
        return sum(report.status == status for report in self.reports)

    def articles(self, action: str) -> int:
        return sum(report.count(action) for report in self.reports)

    def summary(self) -> str:
        feeds = ", ".join(
            f"{self.count(status)} {status}" for status in (FETCHED, NOT_MODIFIED, FAILED)
        )
        new, skipped = plural(self.articles(IMPORTED), "article"), self.articles(SKIPPED)
        articles = f"{new} new, {skipped} skipped"
        refused = self.articles(REFUSED)
        refusals = f", {refused} refused" if refused else ""
        return f"fetch: {plural(len(self.reports), 'feed')} ({feeds}); {articles}{refusals}"


def fetch(
    site_dir: Path,
    names: Sequence[str] = (),
    connections: int = CONNECTIONS,
    progress: Callable[[str, int, int], None] | None = None,
) -> FetchResult:
    """Fetch the subscriptions of the site in `site_dir` called (or at) `names`, or all;
    import what is new."""
    with build_lock(site_dir, name=FETCH_LOCK_NAME):
        return _fetch(site_dir, names, connections, progress or _quiet)


def _fetch(
    site_dir: Path,
    names: Sequence[str],
    connections: int,
    progress: Callable[[str, int, int], None],
) -> FetchResult:
    config, gathering = load_settings(site_dir)
    chosen = _chosen(gathering.subscriptions, names)
    kept = load_state(site_dir)
    fetched = dt.datetime.now(config.tz).replace(microsecond=0)
    taken = {url_key(s.url) for s in gathering.subscriptions}
    known: dict[str, Path] | None = None  # every article's id, read at the first entries
    reports = []
    for subscription, answer in download.answers(chosen, kept, gathering, connections, progress):
        if answer.body is not None and known is None:
            known = existing_ids(site_dir)
        ids = known if known is not None else {}  # one dict for all: feeds share entries
        report, state = _take(site_dir, config, subscription, answer, kept, ids, fetched)
        report = _settled_move(report, taken)
        reports.append(report)
        if state is not None:
            kept.pop(subscription.url, None)
            kept[report.moved_to or subscription.url] = state
    reports = _move(site_dir, reports)
    current = {s.url for s in gathering.subscriptions} | {r.moved_to for r in reports}
    save_state(site_dir, {url: feed for url, feed in kept.items() if url in current})
    return FetchResult(tuple(reports))


def _settled_move(report: FeedReport, taken: set[str]) -> FeedReport:
    """`report`, its move kept only if no other subscription (nor another move) has the
    new URL; `taken` holds the URLs (as url_key gives them) subscribed so far."""
    if not report.moved_to:
        return report
    new = url_key(report.moved_to)
    if new in taken:
        note = f"moved for good to {report.moved_to}, which is subscribed too: remove one"
        return dataclasses.replace(report, moved_to="", note=note)
    taken.discard(url_key(report.subscription.url))
    taken.add(new)
    return report


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def _chosen(subscriptions: Sequence[Subscription], names: Sequence[str]) -> list[Subscription]:
    """The subscriptions called (or at) `names`, in site.yaml's order; all if none."""
    if not subscriptions:
        message = "no subscriptions: list feeds under `subscriptions:`, or import an OPML file"
        raise SiteError([Problem(CONFIG_FILE, None, message)])
    if not names:
        return list(subscriptions)
    wanted = {name.casefold() for name in names}
    chosen = [s for s in subscriptions if {s.name.casefold(), s.url.casefold()} & wanted]
    found = {key for s in chosen for key in (s.name.casefold(), s.url.casefold())}
    missing = [name for name in names if name.casefold() not in found]
    if missing:
        message = f"no subscription called {missing[0]!r}; `digest subscriptions export` lists them"
        raise SiteError([Problem(CONFIG_FILE, None, message)])
    return chosen


def _take(
    site_dir: Path,
    config: SiteConfig,
    subscription: Subscription,
    answer: http.Answer,
    kept: dict[str, Kept],
    known: dict[str, Path],
    fetched: dt.datetime,
) -> tuple[FeedReport, Kept | None]:
    """The report of one answer, with what to keep of its feed (None: keep nothing new)."""
    moved = answer.moved_to if answer.moved_to != subscription.url else ""
    if answer.failure:
        return FeedReport(subscription, FAILED, answer.failure), None
    before = kept.get(subscription.url, Kept())
    if answer.body is None:  # 304
        return FeedReport(subscription, NOT_MODIFIED, moved_to=moved), before
    options = ImportOptions(
        tags=subscription.tags,
        draft=subscription.draft,
        summary_only=subscription.content == "summary",
        source=subscription.source,
    )
    importer = Importer(site_dir, config, options, known, frozenset(before.seen))
    name = PurePosixPath(urlsplit(answer.final_url).path).name
    label, base = subscription.label, answer.final_url
    try:
        outcomes = importer.import_feed(label, name, answer.body, base, fetched)
    except Refused as exc:
        return FeedReport(subscription, FAILED, str(exc)), None
    except Exception as exc:  # a bug of digest's, met in one feed: the others go on
        reason = f"internal error ({type(exc).__name__}: {exc}); this is a bug in digest"
        return FeedReport(subscription, FAILED, reason), None
    seen = {outcome.id for outcome in outcomes if outcome.id and outcome.action != REFUSED}
    # An entry refused (a file that could not be written, ...) must not be lost to a 304
    # next time: the feed's old validators are kept, so it comes whole again.
    refused = any(outcome.action == REFUSED for outcome in outcomes)
    state = Kept(before.validators if refused else answer.validators, tuple(sorted(seen)))
    return FeedReport(subscription, FETCHED, moved_to=moved, outcomes=tuple(outcomes)), state


def _move(site_dir: Path, reports: list[FeedReport]) -> list[FeedReport]:
    """Write the new URL of each feed that moved for good into site.yaml, if the file
    still reads right after; `reports`, each move that could not be written a note."""
    path = site_dir / CONFIG_FILE
    with path.open(encoding="utf-8", newline="") as stream:  # CRLF stays CRLF
        text = stream.read()
    new_text, written = text, set()
    for report in reports:
        if report.moved_to:
            changed = replace_url(new_text, report.subscription.url, report.moved_to)
            if changed != new_text:
                new_text = changed
                written.add(report.subscription.url)
    if new_text != text:
        try:
            rewrite(site_dir, new_text)
        except (SiteError, YamlError, OSError):
            written = set()
    return [_written(report, report.subscription.url in written) for report in reports]


def _written(report: FeedReport, written: bool) -> FeedReport:
    if not report.moved_to or written:
        return report
    note = f"moved for good to {report.moved_to}: write it into site.yaml (digest could not)"
    return dataclasses.replace(report, moved_to="", note=note)
