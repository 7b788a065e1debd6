"""Site -> RSS 2.0, Atom 1.0 and JSON Feed 1.1 files: site-wide, per tag, and digests.

Feed readers are unforgiving, so every feed is checked by parsing it back
before the build may write it. Ids come from the articles' `id` (or the
digest's period) and never from URLs, and dates come from the content, never
from the clock: an unchanged site gives byte-identical feeds.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from urllib.parse import quote, urlsplit

import jinja2

from generator.content.markup.links import resolve_srcset
from generator.content.model import Article
from generator.content.slugs import slugify
from generator.feeds.check import check_feed
from generator.feeds.jsonfeed import json_feed
from generator.feeds.model import Feed, FeedFile, FeedItem
from generator.outputs import Output
from generator.pages.render import template_errors
from generator.site.digests import Digest
from generator.site.model import Author, Section, Site, Tag
from generator.text import plural
from generator.urls import output_file

# A link, image or poster URL in either quotes, and a srcset, in the HTML of an item.
_URL = re.compile(r"""(\s(?:href|src|poster)=)(?:"((?:/(?!/)|#)[^"]*)"|'((?:/(?!/)|#)[^']*)')""")
_SRCSET = re.compile(r"""(\ssrcset=)(?:"([^"]*)"|'([^']*)')""")
DIGEST_TEMPLATE = "digest_feed.html"


def feed_outputs(
    site: Site, env: jinja2.Environment, feeds: Sequence[Feed] | None = None
) -> list[Output]:
    """Every feed file of the site (or of `feeds`); each is checked by parsing it back
    when it is made."""
    with template_errors():
        env.get_template(DIGEST_TEMPLATE)  # compiled once, here, before workers fork
    chosen = site_feeds(site) if feeds is None else feeds
    if any(kind != "json" for feed in chosen for kind in feed.formats):
        _xml_feed_maker()  # imported here, before workers fork, not in each of them
    return [
        Output(
            output_file(site.urls.feed(feed.page, kind)),
            feed.origin,
            functools.partial(render_feed, site, env, feed, kind),
            FeedFile(feed, kind),
        )
        for feed in chosen
        for kind in feed.formats
    ]


def render_feed(site: Site, env: jinja2.Environment, feed: Feed, kind: str) -> bytes:
    """One format of `feed`, checked by parsing it back; raise SiteError if it is broken."""
    with template_errors(output_file(site.urls.feed(feed.page, kind))):
        items = feed_items(feed, site, env)
    if kind == "json":
        data = json_feed(site, feed, items)
    else:
        data = _xml_feed_maker()(site, feed, items, kind)
    check_feed(data, site.urls.feed(feed.page, kind), feed.origin, kind, len(items))
    return data


def _xml_feed_maker() -> Callable[[Site, Feed, tuple[FeedItem, ...], str], bytes]:
    """xmlfeeds.xml_feed: feedgen and lxml, imported only by builds that make RSS or Atom."""
    from generator.feeds.xml import xml_feed

    return xml_feed


def site_feeds(site: Site) -> list[Feed]:
    """The site-wide feed, one per tag, and the digest feed, each with its newest items,
    in the formats the site makes."""
    config = site.config
    every = tuple(kind for kind in ("rss", "atom", "json") if config.makes(kind))
    xml = tuple(kind for kind in every if kind != "json")
    description = config.description or config.title
    articles = site.articles[: config.feed_items]
    feeds = [Feed(config.title, description, "", articles, every, "site feed")]
    feeds += [_tag_feed(site, tag, xml) for tag in site.tags]
    # An aliased tag's old feed goes on with the canonical tag's items: a feed
    # reader follows no redirect page.
    tags = {tag.url: tag for tag in site.tags}
    feeds += [
        _tag_feed(site, tags[r.target], xml, r.url) for r in site.redirects if r.target in tags
    ]
    if config.makes("digests"):
        feeds.append(_digest_feed(site, xml))
    feeds += [_group_feed(site, author, xml, "by", "author") for author in site.authors]
    feeds += [_group_feed(site, section, xml, "in", "section") for section in site.sections]
    return [feed for feed in feeds if feed.formats]


def _tag_feed(site: Site, tag: Tag, formats: tuple[str, ...], page: str = "") -> Feed:
    """The feed of `tag`, at its page's feed URLs or those of `page`."""
    title = site.config.title
    return Feed(
        f"{title}: {tag.name}",
        f"Articles tagged {tag.name} on {title}",
        page or tag.url,
        tag.articles[: site.config.feed_items],
        formats,
        f"tag {tag.name!r}" + (f" (at its alias {page})" if page else ""),
        home=tag.url,
    )


def _group_feed(
    site: Site, group: Author | Section, formats: tuple[str, ...], word: str, kind: str
) -> Feed:
    """The feed of an author's or a section's articles (`word`: "by" or "in")."""
    title = site.config.title
    return Feed(
        f"{title}: {group.name}",
        f"Articles {word} {group.name} on {title}",
        group.url,
        group.articles[: site.config.feed_items],
        formats,
        f"{kind} {group.name!r}",
    )


def _digest_feed(site: Site, formats: tuple[str, ...]) -> Feed:
    config = site.config
    return Feed(
        f"{config.title}: {config.digest_period} digest",
        f"One item per {'day' if config.digest_period == 'daily' else 'week'} "
        f"with all of its articles, from {config.title}",
        site.urls.digests_index(),
        tuple(digest for digest in site.digests if not digest.in_progress)[: config.feed_items],
        formats,
        "digest feed",
        (DIGEST_TEMPLATE,),
    )


def feed_items(feed: Feed, site: Site, env: jinja2.Environment) -> tuple[FeedItem, ...]:
    if feed.templates:
        template = env.get_template(DIGEST_TEMPLATE)
        return tuple(digest_item(d, site, template) for d in feed.shows if isinstance(d, Digest))
    return tuple(article_item(a, site) for a in feed.shows if isinstance(a, Article))


def article_item(article: Article, site: Site) -> FeedItem:
    config, link = site.config, site.urls.absolute(article.url)
    return FeedItem(
        guid=article.id,
        atom_id=atom_id(article, id_domain(site), config.id_date),
        title=article.title,
        link=link,
        published=article.date,
        updated=article.updated or article.date,
        summary=article.summary or article.title,
        content_html=absolute_links(article.body_html, link)
        if config.feed_content == "full"
        else None,
        authors=tuple(
            (name, site.urls.absolute(site.urls.author(slugify(name)))) for name in article.authors
        ),
        categories=article.tags,
        source=article.source if article.source is not None and article.source.url else None,
        image=article.image,
    )


def digest_item(digest: Digest, site: Site, template: jinja2.Template) -> FeedItem:
    """A whole digest as one item; its id names the period, so it never changes."""
    link = site.urls.absolute(digest.url)
    html = template.render(site=site.config, url=digest.url, digest=digest)
    count = len(digest.articles)
    headlines = "; ".join(a.title for a in digest.articles[:3])
    digest_id = f"tag:{id_domain(site)},{digest.start.isoformat()}:digest/{digest.key}"
    return FeedItem(
        guid=digest_id,
        atom_id=digest_id,
        title=digest.title,
        link=link,
        published=max(a.date for a in digest.articles),
        updated=digest.updated,
        summary=f"{plural(count, 'article')}: {headlines}",
        content_html=absolute_links(html, link),
        categories=tuple(g.tag for g in digest.groups if g.tag),
    )


def id_domain(site: Site) -> str:
    """The authority of the site's `tag:` ids."""
    return site.config.id_domain or urlsplit(site.config.base_url).hostname or "localhost"


def atom_id(article: Article, domain: str, day: str) -> str:
    """The Atom id of an article: `urn:uuid:` for a UUID, else a `tag:` URI (RFC 4151)
    of the site's domain and `day`, made from the article's `id` alone, so that
    correcting its date does not make it a new entry."""
    if article.is_uuid:
        return f"urn:uuid:{article.id.lower()}"
    return f"tag:{domain},{day}:{quote(article.id, safe='')}"


@functools.lru_cache(maxsize=1024)  # an article is in the site's feeds and its tags', each kind
def absolute_links(html: str, page_url: str) -> str:
    """`html` of the page at absolute `page_url` with every local link, image, poster
    and srcset URL absolute.

    Feed readers show items away from the site, so a root-relative link gets
    the site's origin and a `#fragment` (a footnote) the page's own URL.
    """
    parts = urlsplit(page_url)
    origin = f"{parts.scheme}://{parts.netloc}"

    def absolute(target: str) -> str:
        if target.startswith("#"):
            return page_url + target
        return origin + target if target.startswith("/") and target[1:2] != "/" else target

    def quoted(match: re.Match[str], value: Callable[[str], str]) -> str:
        """The attribute of `match` with its value put through `value`, in its quotes."""
        mark = '"' if match[2] is not None else "'"
        return match[1] + mark + value(match[2] if mark == '"' else match[3]) + mark

    html = _URL.sub(lambda match: quoted(match, absolute), html)
    if "srcset=" in html:
        html = _SRCSET.sub(lambda match: quoted(match, lambda v: resolve_srcset(v, absolute)), html)
    return html
