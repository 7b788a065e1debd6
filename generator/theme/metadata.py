"""Structured data for search engines: schema.org JSON-LD, safe inside <script>."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from generator.content.leadimage import LeadImage
from generator.content.model import Article
from generator.content.slugs import slugify
from generator.settings.config import SiteConfig
from generator.urls import Urls


def news_article(article: Article, config: SiteConfig, urls: Urls) -> dict[str, Any]:
    """A schema.org NewsArticle describing `article`."""
    publisher = {"@type": "Organization", "name": config.title, "url": config.base_url}
    author: Any = [person(name, config, urls) for name in article.authors] or {
        "@type": "Organization",
        "name": config.author or config.title,
    }
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.date.isoformat(),
        "dateModified": (article.updated or article.date).isoformat(),
        "author": author,
        "publisher": publisher,
        "mainEntityOfPage": urls.absolute(article.url),
        "url": urls.absolute(article.url),
        "keywords": ", ".join(article.tags),
        "inLanguage": article.lang or config.language,
        "wordCount": article.words,
    }
    if article.sections:
        data["articleSection"] = list(article.sections)
    if article.source is not None and article.source.url:
        data["isBasedOn"] = article.source.url
    if article.image is not None:
        data["image"] = image_object(article.image)
    return data


def person(name: str, config: SiteConfig, urls: Urls) -> dict[str, Any]:
    """A schema.org Person: an author, with their page on the site and, if site.yaml
    gives one, their page elsewhere."""
    slug = slugify(name)
    data = {"@type": "Person", "name": name, "url": urls.absolute(urls.author(slug))}
    link = next((info.url for info in config.authors if slugify(info.name) == slug), "")
    if link:
        data["sameAs"] = link
    return data


def image_object(image: LeadImage) -> dict[str, Any] | str:
    """A schema.org ImageObject of a lead image, or its URL alone when its size is not
    known."""
    if image.width is None:
        return image.url
    return {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height}


def json_ld(data: dict[str, Any]) -> Markup:
    """A `<script type="application/ld+json">` block that no text inside can break out of."""
    text = json.dumps(data, ensure_ascii=False)
    for char in "<>&":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')
