"""Builds after edits to the text of articles: only the outputs that show them.

Most builds follow an edit to the text of an article or two. Their pages
change, and so do the lists, feeds, digests and related links that show
them, but nothing else can, as long as each keeps its place in the site:
every field but its text (`TEXT_FIELDS`: the body, its word count and the
summary) as it was, and every other input as it was too (site.yaml, the
templates, the other files, the build's options, the articles published).
Assembling the articles then makes the same site as last time but for their
text, so every other output keeps the key recorded for it (see keys.py), and
the build looks only at the outputs whose keys take in an edited article
(see `ShownBy`): it lists them, finds their keys, and makes and writes those
whose key changed.

That skips listing and keying the thousands of other outputs of a big site
(and checking that they fit together: they did last time), and the writer
leaves their files as they are without looking at them one by one (see
`write_changes` in spare.py). Any other change goes through the whole site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

from generator.feeds.feeds import feed_outputs, site_feeds
from generator.feeds.model import Feed
from generator.incremental.assembled import Assembled
from generator.incremental.keys import OutputKeys
from generator.incremental.reach import Reach
from generator.incremental.record import BuildRecord, InputStamp
from generator.outputs import Output
from generator.pages.jobs import PageJob
from generator.pages.kinds import page_jobs
from generator.pages.render import job_outputs
from generator.urls import output_file


@dataclass(frozen=True)
class ShownBy:
    """Which pages and feeds take each article in (see `keys.Reach`), by their places in
    `page_jobs` and `site_feeds`.

    Working it out walks every page of the site; it stays true while every
    article keeps its place and every other input is the same (the checks of
    `text_edits`), so it is kept for the next build (see build.py), and taken
    only for the same pages and feeds, in the same order (`made_for`).
    """

    made_for: str  # a fingerprint of the pages and feeds it was worked out for
    articles: Mapping[str, tuple[int, ...]]  # an article's path -> the outputs taking it in
    anything: tuple[int, ...]  # the outputs that could take in any article

    def outputs(self, paths: Iterable[str]) -> set[int]:
        """The outputs that take in any of the articles at `paths`."""
        found = set(self.anything)
        for path in paths:
            found.update(self.articles.get(path, ()))
        return found


def shown_by(keys: OutputKeys, jobs: Sequence[PageJob], feeds: Sequence[Feed]) -> ShownBy:
    """Which of `jobs`, then of `feeds` (numbered on from the jobs), take in each article."""
    reach = Reach(keys)
    found = [reach.page(job.template, job.context) for job in jobs]
    found += [reach.value(feed) for feed in feeds]
    articles: dict[str, list[int]] = defaultdict(list)
    anything = []
    for output, reached in enumerate(found):
        if reached is None:
            anything.append(output)
        else:
            for path in reached:
                articles[path].append(output)
    shown = {path: tuple(outputs) for path, outputs in articles.items()}
    return ShownBy(outputs_print(jobs, feeds), shown, tuple(anything))


def outputs_print(jobs: Sequence[PageJob], feeds: Sequence[Feed]) -> str:
    """A fingerprint of the pages and feeds of a site, in order."""
    names = [job.url for job in jobs] + [f"feed {feed.page}" for feed in feeds]
    return hashlib.blake2b("\0".join(names).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Edits:
    """What a build after edits to the text of articles looks at."""

    articles: frozenset[str]  # the paths of the edited articles
    outputs: list[Output]  # the pages and feeds that show them, or whose files are stale
    stale: frozenset[str]  # output files no longer as the last build wrote them
    shown: ShownBy | None  # which outputs show each article, if worked out


def text_edits(
    record: BuildRecord,
    stamp: InputStamp,
    assembled: Assembled,
    changed: Callable[[], Iterable[str]],
    now: dt.datetime,
    shown: Callable[[], ShownBy | None] = lambda: None,
) -> Edits | None:
    """The edits since the last build (`record`), if only the text of articles
    changed; None if anything else did, which needs the whole site.

    Output files changed since (by hand, or by a preview of `digest serve`),
    which `changed` lists, are made again too, if they are pages or feeds.
    `shown` gives what the last build found shows each article, if it did.
    (Six parameters: the last build's record, this build's stamp and assembly,
    and three looks at what is there now.)
    """
    content = assembled.content
    if (
        record.frame != stamp.frame
        or record.places != assembled.places
        or not record.same_selection(now)
    ):
        return None
    edited = frozenset(
        article.path
        for article, digest in zip(content.articles, assembled.digests, strict=True)
        if record.digests.get(article.path) != digest
    )
    stale = frozenset(changed())
    outputs, found = outputs_showing(assembled, edited, stale, shown())
    if not stale <= {output.file for output in outputs}:
        return None  # a file of another kind, or gone
    return Edits(edited, outputs, stale, found)


def outputs_showing(
    assembled: Assembled,
    edited: frozenset[str],
    files: Set[str] = frozenset(),
    shown: ShownBy | None = None,
) -> tuple[list[Output], ShownBy | None]:
    """The pages and feeds whose keys take in an article of `edited`, or that go to
    one of `files`; and which outputs take in each article (`shown`, if it is
    for the same outputs, else worked out here; None if there is nothing to look at)."""
    if not edited and not files:
        return [], None
    site, env, keys = assembled.site, assembled.env, assembled.keys
    jobs, feeds = list(page_jobs(site)), site_feeds(site)
    if shown is None or shown.made_for != outputs_print(jobs, feeds):
        shown = shown_by(keys, jobs, feeds)
    chosen = shown.outputs(edited)
    pages = [
        job
        for n, job in enumerate(jobs)
        if n in chosen or (files and output_file(job.url) in files)
    ]
    feeds = [
        feed
        for n, feed in enumerate(feeds, len(jobs))
        if n in chosen
        or any(output_file(site.urls.feed(feed.page, kind)) in files for kind in feed.formats)
    ]
    return job_outputs(pages, site, env) + feed_outputs(site, env, feeds), shown
