"""JSON Feed 1.1 files of feeds."""

from __future__ import annotations

import json

from generator.feeds.model import Feed, FeedItem
from generator.site.model import Site

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def json_feed(site: Site, feed: Feed, items: tuple[FeedItem, ...]) -> bytes:
    """`feed` as JSON Feed 1.1, with `items`, and the WebSub hub that pushes it if any."""
    config, urls = site.config, site.urls
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": urls.absolute(feed.home_page),
        "feed_url": urls.absolute(urls.feed(feed.page, "json")),
        **({"hubs": [{"type": "WebSub", "url": config.websub_hub}]} if config.websub_hub else {}),
        "description": feed.description,
        "language": config.language,
        "authors": [{"name": config.author or config.title}],
        "items": [_json_item(item) for item in items],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(item: FeedItem) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": item.guid,
        "url": item.link,
        "title": item.title,
        "summary": item.summary,
        "date_published": item.published.isoformat(),
    }
    if item.content_html is not None:
        entry["content_html"] = item.content_html
    else:
        entry["content_text"] = item.summary
    if item.updated != item.published:
        entry["date_modified"] = item.updated.isoformat()
    if item.source is not None:
        entry["external_url"] = item.source.url
    if item.authors:
        entry["authors"] = [{"name": name, "url": page} for name, page in item.authors]
    if item.categories:
        entry["tags"] = list(item.categories)
    if item.image is not None:
        entry["image"] = item.image.url
    return entry
