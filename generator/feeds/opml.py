"""feeds.opml: every feed the site publishes, in one OPML 2.0 file a reader subscribes to
at once (the site's feed, the digest feed, each tag's).

Each feed is listed once, in one format: Atom where the site makes it, else RSS,
else JSON Feed; an aliased tag's old feed URLs are left out, since they carry
the canonical tag's items. The file names no date: its bytes depend on the
feeds alone, not on when it was built or on the articles' text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence

from generator.feeds.model import Feed
from generator.outputs import Output, fixed_output
from generator.site.model import Site

OPML_FILE = "feeds.opml"
OPML_SPEC = "http://opml.org/spec2.opml"
PREFERRED = ("atom", "rss", "json")  # the format listed for a feed, first made first
# What XML 1.0 cannot hold, even escaped: ElementTree writes it as it is, and readers
# then refuse the whole file. Only site.yaml's text can have it (articles' is cleaned).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def opml_outputs(site: Site, feeds: Sequence[Feed]) -> list[Output]:
    """feeds.opml listing `feeds` (those of `site_feeds`), or nothing if there are none."""
    listed = [feed for feed in feeds if feed.page == feed.home_page]
    if not listed:
        return []
    return [fixed_output(OPML_FILE, OPML_FILE, feeds_opml(site, listed))]


def feeds_opml(site: Site, feeds: Sequence[Feed]) -> bytes:
    """The OPML 2.0 document of `feeds`: the feeds of tags, authors and sections each
    in an outline of their own, after the others."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = site.config.title
    if site.config.author:
        ElementTree.SubElement(head, "ownerName").text = site.config.author
    ElementTree.SubElement(head, "docs").text = OPML_SPEC
    body = ElementTree.SubElement(root, "body")
    groups = {
        "Tags": {tag.url for tag in site.tags},
        "Authors": {author.url for author in site.authors},
        "Sections": {section.url for section in site.sections},
    }
    grouped = set().union(*groups.values())
    for feed in feeds:
        if feed.page not in grouped:
            body.append(_outline(site, feed))
    for name, pages in groups.items():
        outlines = [_outline(site, feed) for feed in feeds if feed.page in pages]
        if outlines:
            ElementTree.SubElement(body, "outline", text=name, title=name).extend(outlines)
    ElementTree.indent(root)
    text = _NOT_XML.sub("", ElementTree.tostring(root, encoding="unicode"))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'.encode()


def _outline(site: Site, feed: Feed) -> ElementTree.Element:
    """The outline of one feed: `type="rss"` whatever its format, as OPML readers expect."""
    urls = site.urls
    kind = next(kind for kind in PREFERRED if kind in feed.formats)
    return ElementTree.Element(
        "outline",
        type="rss",
        text=feed.title,
        title=feed.title,
        description=feed.description,
        xmlUrl=urls.absolute(urls.feed(feed.page, kind)),
        htmlUrl=urls.absolute(feed.home_page),
    )
