"""Site -> RSS 2.0, Atom 1.0 and JSON Feed 1.1 files, site-wide and per tag.

Feed readers are unforgiving, so every feed is checked by parsing it back
before the build may write it. Ids come from the articles' `id` and never
from URLs, and dates come from the articles, never from the clock: an
unchanged site gives byte-identical feeds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from generator import __version__
from generator.content import Article
from generator.errors import Problem, SiteError
from generator.render import Page
from generator.site import Site

_LOCAL_LINK = re.compile(r'(\s(?:href|src)=")((?:/(?!/)|#)[^"]*)"')
_EMPTY_FEED_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ATOM = "{http://www.w3.org/2005/Atom}"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class Feed:
    """One subscribable list of articles and the URLs it is published at."""

    title: str
    description: str
    page: str
    articles: tuple[Article, ...]
    formats: tuple[str, ...]
    origin: str


def site_feeds(site: Site) -> list[Feed]:
    """The site-wide feed and one feed per tag, each with its newest articles."""
    limit = site.config.feed_items
    description = site.config.description or site.config.title
    feeds = [
        Feed(
            site.config.title,
            description,
            "",
            site.articles[:limit],
            ("rss", "atom", "json"),
            "site feed",
        )
    ]
    feeds += [
        Feed(
            f"{site.config.title}: {tag.name}",
            f"Articles tagged {tag.name} on {site.config.title}",
            tag.url,
            tag.articles[:limit],
            ("rss", "atom"),
            f"tag {tag.name!r}",
        )
        for tag in site.tags
    ]
    return feeds


def render_feeds(site: Site) -> list[Page]:
    """Every feed file of the site, each checked by parsing it back."""
    pages = []
    for feed in site_feeds(site):
        for kind in feed.formats:
            url = site.urls.feed(feed.page, kind)
            data = _json_feed(site, feed) if kind == "json" else _xml_feed(site, feed, kind)
            page = Page(url=url, data=data, origin=feed.origin)
            check_feed(page, kind, len(feed.articles))
            pages.append(page)
    return pages


def atom_id(article: Article, id_domain: str) -> str:
    """The Atom id of an article: `urn:uuid:` for a UUID, else a `tag:` URI (RFC 4151)."""
    if article.is_uuid:
        return f"urn:uuid:{article.id.lower()}"
    day = article.date.astimezone(dt.UTC).date().isoformat()
    return f"tag:{id_domain},{day}:{quote(article.id, safe='')}"


def absolute_links(html: str, page_url: str) -> str:
    """`html` of the page at absolute `page_url` with every local `href`/`src` absolute.

    Feed readers show items away from the site, so a root-relative link gets
    the site's origin and a `#fragment` (a footnote) the page's own URL.
    """
    parts = urlsplit(page_url)
    origin = f"{parts.scheme}://{parts.netloc}"

    def absolute(match: re.Match[str]) -> str:
        target = match.group(2)
        prefix = page_url if target.startswith("#") else origin
        return f'{match.group(1)}{prefix}{target}"'

    return _LOCAL_LINK.sub(absolute, html)


def newest_date(articles: tuple[Article, ...]) -> dt.datetime:
    """When the feed last changed: its newest `updated` or `date`."""
    return max((a.updated or a.date for a in articles), default=_EMPTY_FEED_DATE)


class _ViaLink(BaseEntryExtension):  # type: ignore[misc]
    """Atom's `<link rel="via">` for an entry (feedgen 1.0 drops the rel of entry links)."""

    def __init__(self) -> None:
        self.url: str | None = None

    def extend_atom(self, entry: Any) -> Any:
        if self.url:
            xml_elem("link", entry, href=self.url, rel="via")
        return entry


class _NoFeedExtension(BaseExtension):  # type: ignore[misc]
    def extend_ns(self) -> dict[str, str]:
        return {}


def _xml_feed(site: Site, feed: Feed, kind: str) -> bytes:
    config, urls = site.config, site.urls
    generator = FeedGenerator()
    if kind == "rss":
        generator.load_extension("dc", atom=False)
    else:
        generator.register_extension("via", _NoFeedExtension, _ViaLink, atom=True, rss=False)
    generator.title(feed.title)
    generator.description(feed.description)
    generator.language(config.language)
    generator.id(urls.absolute(urls.feed(feed.page, kind)))
    generator.author({"name": config.author or config.title})
    generator.generator("digest", __version__, "https://pypi.org/project/digest/")
    generator.link(href=urls.absolute(urls.feed(feed.page, kind)), rel="self")
    generator.link(href=urls.absolute(feed.page), rel="alternate")  # last: RSS's <link>
    generator.updated(newest_date(feed.articles))
    id_domain = config.id_domain or urlsplit(config.base_url).hostname or "localhost"
    for article in feed.articles:
        entry = generator.add_entry(order="append")
        entry.title(article.title)
        entry.link(href=urls.absolute(article.url))
        entry.published(article.date)
        entry.updated(article.updated or article.date)
        summary = article.summary or article.title
        body = absolute_links(article.body_html, urls.absolute(article.url))
        source = article.source if article.source is not None and article.source.url else None
        for tag in article.tags:
            entry.category(term=tag)
        if kind == "rss":
            entry.guid(article.id, permalink=False)
            entry.description(summary)
            if config.feed_content == "full":
                entry.content(body)  # with a description set, this is <content:encoded>
            if article.author:
                entry.dc.dc_creator(article.author)
            if source:
                entry.source(url=source.url, title=source.name)
        else:
            entry.id(atom_id(article, id_domain))
            entry.summary(summary)
            if config.feed_content == "full":
                entry.content(body, type="html")
            if article.author:
                entry.author({"name": article.author})
            if source:
                entry.via.url = source.url
    data: bytes = (
        generator.rss_str(pretty=True) if kind == "rss" else generator.atom_str(pretty=True)
    )
    return data


def _json_feed(site: Site, feed: Feed) -> bytes:
    config, urls = site.config, site.urls
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": urls.absolute(feed.page),
        "feed_url": urls.absolute(urls.feed(feed.page, "json")),
        "description": feed.description,
        "language": config.language,
        "authors": [{"name": config.author or config.title}],
        "items": [_json_item(article, site) for article in feed.articles],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(article: Article, site: Site) -> dict[str, object]:
    item: dict[str, object] = {
        "id": article.id,
        "url": site.urls.absolute(article.url),
        "title": article.title,
        "summary": article.summary,
        "date_published": article.date.isoformat(),
    }
    if site.config.feed_content == "full":
        item["content_html"] = absolute_links(article.body_html, site.urls.absolute(article.url))
    else:
        item["content_text"] = article.summary
    if article.updated:
        item["date_modified"] = article.updated.isoformat()
    if article.source is not None and article.source.url:
        item["external_url"] = article.source.url
    if article.author:
        item["authors"] = [{"name": article.author}]
    if article.tags:
        item["tags"] = list(article.tags)
    return item


def check_feed(page: Page, kind: str, expected_items: int) -> None:
    """Parse a feed back and check its shape; raise SiteError if it is broken."""
    try:
        count = sum(1 for _ in _items(page.data, kind))
    except (ValueError, KeyError, TypeError, ElementTree.ParseError) as exc:
        raise SiteError(
            [Problem(page.origin, None, f"{page.url} is not a valid feed: {exc}")]
        ) from None
    if count != expected_items:
        raise SiteError(
            [Problem(page.origin, None, f"{page.url} has {count} items, not {expected_items}")]
        )


def _items(data: bytes, kind: str) -> Iterator[object]:
    """The items of a feed, after checking its required parts; raise on any defect."""
    if kind == "json":
        document = json.loads(data)
        if document["version"] != JSON_FEED_VERSION or not document["title"]:
            raise ValueError("missing version or title")
        for item in document["items"]:
            if not item["id"] or not ("content_html" in item or "content_text" in item):
                raise ValueError("an item lacks an id or content")
            yield item
        return
    root = ElementTree.fromstring(data)
    if kind == "rss":
        channel = root.find("channel")
        if root.tag != "rss" or channel is None:
            raise ValueError("no <rss><channel>")
        for name in ("title", "link", "description"):
            if not channel.findtext(name):
                raise ValueError(f"the channel has no <{name}>")
        for item in channel.iter("item"):
            if not item.findtext("guid") or not item.findtext("title"):
                raise ValueError("an item lacks a guid or title")
            yield item
    else:
        if root.tag != f"{_ATOM}feed" or not root.findtext(f"{_ATOM}id"):
            raise ValueError("no <feed> with an <id>")
        for entry in root.iter(f"{_ATOM}entry"):
            if not entry.findtext(f"{_ATOM}id") or not entry.findtext(f"{_ATOM}updated"):
                raise ValueError("an entry lacks an id or updated date")
            yield entry
