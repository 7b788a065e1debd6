"""RSS 2.0 and Atom 1.0 files of feeds (see feeds.py), made with feedgen.

Apart from feeds.py, so that a build that makes no RSS or Atom feed (a
build after an edit that no feed shows) does not import feedgen and lxml.
"""

from __future__ import annotations

from typing import Any

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from generator import __version__
from generator.content.leadimage import LeadImage
from generator.feeds.model import Feed, FeedItem, newest_date
from generator.site.model import Site

_ATOM = "{http://www.w3.org/2005/Atom}"


class _ViaLink(BaseEntryExtension):  # type: ignore[misc]
    """Atom's `<link rel="via">` for an entry (feedgen 1.0 drops the rel of entry links)."""

    def __init__(self) -> None:
        self.url: str | None = None

    def extend_atom(self, entry: Any) -> Any:
        if self.url:
            xml_elem("link", entry, href=self.url, rel="via")
        return entry


class _EnclosureLink(BaseEntryExtension):  # type: ignore[misc]
    """Atom's `<link rel="enclosure">` of an entry's lead image (feedgen drops the rel,
    as it does the via link's)."""

    def __init__(self) -> None:
        self.image: LeadImage | None = None

    def extend_atom(self, entry: Any) -> Any:
        image = self.image
        if image is not None:
            link = xml_elem("link", entry, href=image.url, rel="enclosure")
            if image.media_type:
                link.set("type", image.media_type)
            if image.length is not None:
                link.set("length", str(image.length))
        return entry


class _NoFeedExtension(BaseExtension):  # type: ignore[misc]
    def extend_ns(self) -> dict[str, str]:
        return {}


class _HubLink(_NoFeedExtension):
    """RSS's `<atom:link rel="hub">` (WebSub), beside its rel="self" one: feedgen 1.0
    writes only the self link of a channel's links."""

    def __init__(self) -> None:
        self.url = ""

    def extend_rss(self, feed: Any) -> Any:
        channel = feed.find("channel")
        self_link = channel.find(f"{_ATOM}link[@rel='self']")
        self_link.addnext(xml_elem(f"{_ATOM}link", href=self.url, rel="hub"))
        return feed


def xml_feed(site: Site, feed: Feed, items: tuple[FeedItem, ...], kind: str) -> bytes:
    """`feed` as RSS (`kind` "rss") or Atom ("atom"), with `items`."""
    config, urls = site.config, site.urls
    generator = FeedGenerator()
    if kind == "rss":
        generator.load_extension("dc", atom=False)
        if any(item.image is not None and item.image.length is None for item in items):
            generator.load_extension("media", atom=False)  # for images on other sites
    else:
        generator.register_extension("via", _NoFeedExtension, _ViaLink, atom=True, rss=False)
        generator.register_extension("lead", _NoFeedExtension, _EnclosureLink, rss=False)
    generator.title(feed.title)
    generator.description(feed.description)
    generator.language(config.language)
    generator.id(urls.absolute(urls.feed(feed.page, kind)))
    generator.author({"name": config.author or config.title})
    generator.generator("digest", __version__, "https://pypi.org/project/digest/")
    generator.link(href=urls.absolute(urls.feed(feed.page, kind)), rel="self")
    if config.websub_hub:
        _name_hub(generator, config.websub_hub, kind)
    generator.link(href=urls.absolute(feed.home_page), rel="alternate")  # last: RSS's <link>
    generator.updated(newest_date(items))
    for item in items:
        entry = generator.add_entry(order="append")
        entry.title(item.title)
        entry.link(href=item.link)
        entry.published(item.published)
        entry.updated(item.updated)
        for category in item.categories:
            entry.category(term=category)
        (_rss_entry if kind == "rss" else _atom_entry)(entry, item)
    data: bytes = (
        generator.rss_str(pretty=True) if kind == "rss" else generator.atom_str(pretty=True)
    )
    return data


def _name_hub(generator: FeedGenerator, hub: str, kind: str) -> None:
    """Name the WebSub hub that pushes the feed's updates to its subscribers."""
    if kind == "rss":
        generator.register_extension("hub", _HubLink, None, atom=False, rss=True)
        generator.hub.url = hub
    else:
        generator.link(href=hub, rel="hub")


def _rss_entry(entry: FeedEntry, item: FeedItem) -> None:
    """What RSS says of an item beyond what both kinds of feed say."""
    entry.guid(item.guid, permalink=False)
    entry.description(item.summary)
    if item.content_html is not None:
        entry.content(item.content_html)  # beside a description: <content:encoded>
    for name, _ in item.authors:
        entry.dc.dc_creator(name)
    if item.source is not None:
        entry.source(url=item.source.url, title=item.source.name)
    image = item.image
    if image is not None and image.length is not None and image.media_type:
        entry.enclosure(image.url, str(image.length), image.media_type)
    elif image is not None:  # on another site: its length is not known
        entry.media.content(url=image.url, type=image.media_type, medium="image", group=None)


def _atom_entry(entry: FeedEntry, item: FeedItem) -> None:
    """What Atom says of an entry beyond what both kinds of feed say."""
    entry.id(item.atom_id)
    entry.summary(item.summary)
    if item.content_html is not None:
        entry.content(item.content_html, type="html")
    for name, page in item.authors:
        entry.author({"name": name, "uri": page})
    if item.source is not None:
        entry.via.url = item.source.url
    entry.lead.image = item.image
