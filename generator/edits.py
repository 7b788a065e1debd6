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
(`Showing`): it lists them, finds their keys, and makes and writes those
whose key changed.

That skips listing and keying the thousands of other outputs of a big site
(and checking that they fit together: they did last time), and the writer
leaves their files as they are without looking at them one by one (see
`write_changes` in write.py). Any other change goes through the whole site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.content import LoadedContent
from generator.feeds import feed_outputs, site_feeds
from generator.keys import Showing
from generator.outputs import Output
from generator.render import job_outputs, page_jobs
from generator.uptodate import BuildRecord, InputStamp
from generator.urls import output_file

if TYPE_CHECKING:
    from generator.build import AssembledSite


def places_print(content: LoadedContent) -> str:
    """A fingerprint of the place of every article in the site: all of each but its text."""
    digest = hashlib.blake2b(digest_size=20)
    for article, place in zip(content.articles, content.places, strict=True):
        digest.update(b"%d\0%s\0%s" % (len(place), article.path.encode(), place))
    return digest.hexdigest()


@dataclass(frozen=True)
class Edits:
    """What a build after edits to the text of articles looks at."""

    articles: frozenset[str]  # the paths of the edited articles
    outputs: list[Output]  # the pages and feeds that show them, or whose files are stale
    stale: frozenset[str]  # output files no longer as the last build wrote them


def text_edits(
    record: BuildRecord,
    stamp: InputStamp,
    assembled: AssembledSite,
    changed: Callable[[], Iterable[str]],
    now: dt.datetime,
) -> Edits | None:
    """The edits since the last build (`record`), if only the text of articles
    changed; None if anything else did, which needs the whole site.

    Output files changed since (by hand, or by a preview of `digest serve`),
    which `changed` lists, are made again too, if they are pages or feeds.
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
        for article, digest in zip(content.articles, content.digests, strict=True)
        if record.digests.get(article.path) != digest.hex()
    )
    stale = frozenset(changed())
    outputs = outputs_showing(assembled, edited, stale)
    if not stale <= {output.file for output in outputs}:
        return None  # a file of another kind, or gone
    return Edits(edited, outputs, stale)


def outputs_showing(
    assembled: AssembledSite, edited: frozenset[str], files: Set[str] = frozenset()
) -> list[Output]:
    """The pages and feeds whose keys take in an article of `edited`, or that go to
    one of `files`."""
    if not edited and not files:
        return []
    site, env, keys = assembled.site, assembled.env, assembled.keys
    showing = Showing(keys, edited)
    jobs = [
        job
        for job in page_jobs(site)
        if output_file(job.url) in files or showing.page(job.template, job.context)
    ]
    feeds = [
        feed
        for feed in site_feeds(site)
        if any(output_file(site.urls.feed(feed.page, kind)) in files for kind in feed.formats)
        or showing.value(feed)
    ]
    return job_outputs(jobs, site, env, keys) + feed_outputs(site, env, keys, feeds)
