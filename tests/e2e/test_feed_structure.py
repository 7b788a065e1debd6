"""Every feed of the sample site and of the golden sites, read by parsers other than the
generator's own: feedparser (bozo == 0), lxml against the RSS 2.0 and Atom (RFC 4287)
structure, and the JSON Feed against a JSON Schema for JSON Feed 1.1 written from the spec
(jsonfeed-1.1.schema.json beside this file).
"""

from __future__ import annotations

import copy
import datetime as dt
import email.utils
import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin

import feedparser
import pytest
import yaml
from lxml import etree

from .conftest import ServedSite

pytestmark = pytest.mark.e2e

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
GOLDEN_SITES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected").is_dir())
TREES = ["sample", *(f"golden/{name}" for name in GOLDEN_SITES)]
SCHEMA = Path(__file__).resolve().parent / "jsonfeed-1.1.schema.json"

ATOM = "{http://www.w3.org/2005/Atom}"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
RFC822 = re.compile(
    r"(?P<day>Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UT)"
)
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


class Tree:
    """A built site: its output folder and the base URL its feeds' links start with."""

    def __init__(self, root: Path, base: str) -> None:
        self.root = root
        self.base = base if base.endswith("/") else base + "/"

    def url_of(self, path: Path) -> str:
        return self.base + quote(path.relative_to(self.root).as_posix())

    def missing_target(self, link: str) -> str | None:
        """Why `link` does not lead to a page of this site, or None when it does."""
        if not link.startswith(self.base):
            return f"{link} is not under {self.base}"
        relative = unquote(link[len(self.base) :].split("#")[0])
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        return None if (self.root / relative).is_file() else f"{link}: no such page"


@pytest.fixture
def tree(request: pytest.FixtureRequest, served_site: ServedSite) -> Tree:
    name = request.param
    if name == "sample":
        return Tree(served_site.root, served_site.base)
    site = GOLDEN / name.split("/")[1]
    config = yaml.safe_load((site / "site" / "site.yaml").read_text(encoding="utf-8"))
    return Tree(site / "expected", config["base_url"])


def rfc822(text: str | None) -> dt.datetime | None:
    """An RFC 822 date (as RSS 2.0 has it) with its weekday right, or None."""
    match = RFC822.fullmatch(text or "")
    if not match:
        return None
    when = email.utils.parsedate_to_datetime(match.group(0))
    return when if DAYS[when.weekday()] == match["day"] and when.tzinfo else None


def rfc3339(text: str | None) -> dt.datetime | None:
    """An RFC 3339 date-time with an offset, or None."""
    if not RFC3339.fullmatch(text or ""):
        return None
    try:
        return dt.datetime.fromisoformat(text or "")
    except ValueError:
        return None


def parse_xml(path: Path) -> tuple[etree._Element | None, list[str]]:
    data = path.read_bytes()
    problems = []
    reader = feedparser.parse(data)
    if reader.bozo:
        problems.append(f"feedparser: {reader.get('bozo_exception')}")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        return None, [*problems, f"not well-formed XML: {error}"]
    if not data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>") and not data.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>'
    ):
        problems.append("no UTF-8 XML declaration")
    return root, problems


def one(parent: etree._Element, tag: str, where: str, problems: list[str]) -> str | None:
    """The text of the one `tag` child of `parent`; a problem if absent, repeated or empty."""
    found = parent.findall(tag)
    if len(found) != 1 or not (found[0].text or "").strip():
        problems.append(f"{where}: {len(found)} <{tag}> elements, expected one with text")
        return None
    return str(found[0].text).strip()


def check_rss(path: Path, tree: Tree) -> list[str]:
    root, problems = parse_xml(path)
    if root is None:
        return problems
    if root.tag != "rss" or root.get("version") != "2.0":
        return [*problems, f"root is <{root.tag} version={root.get('version')}>, not RSS 2.0"]
    channels = root.findall("channel")
    if len(channels) != 1:
        return [*problems, f"{len(channels)} <channel> elements"]
    channel = channels[0]
    for tag in ("title", "description"):
        one(channel, tag, "channel", problems)
    link = one(channel, "link", "channel", problems)
    if link and (why := tree.missing_target(link)):
        problems.append(f"channel link: {why}")
    self_links = [e.get("href") for e in channel.findall(f"{ATOM}link") if e.get("rel") == "self"]
    if self_links != [tree.url_of(path)]:
        problems.append(f"atom:link rel=self is {self_links}, not [{tree.url_of(path)}]")
    last_build = channel.findtext("lastBuildDate")
    if last_build is not None and rfc822(last_build) is None:
        problems.append(f"lastBuildDate {last_build!r} is not an RFC 822 date")
    guids: list[str] = []
    dates: list[dt.datetime] = []
    for number, item in enumerate(channel.findall("item"), 1):
        where = f"item {number}"
        one(item, "title", where, problems)
        item_link = one(item, "link", where, problems)
        if item_link and (why := tree.missing_target(item_link)):
            problems.append(f"{where} link: {why}")
        guid = one(item, "guid", where, problems)
        if guid:
            guids.append(guid)
            if item.find("guid").get("isPermaLink") != "false":  # type: ignore[union-attr]
                problems.append(f'{where}: guid {guid!r} lacks isPermaLink="false"')
        published = one(item, "pubDate", where, problems)
        when = rfc822(published)
        if published and when is None:
            problems.append(f"{where}: pubDate {published!r} is not an RFC 822 date")
        elif when:
            dates.append(when)
    if len(set(guids)) != len(guids):
        problems.append(f"repeated guids: {guids}")
    if dates != sorted(dates, reverse=True):
        problems.append("items are not newest first")
    if dates and (built := rfc822(last_build)) and built < max(dates):
        problems.append(f"lastBuildDate {last_build} is older than the newest item")
    return problems


def check_atom(path: Path, tree: Tree) -> list[str]:
    root, problems = parse_xml(path)
    if root is None:
        return problems
    if root.tag != f"{ATOM}feed":
        return [*problems, f"root is <{root.tag}>, not an Atom feed"]
    for tag in ("id", "title"):
        one(root, f"{ATOM}{tag}", "feed", problems)
    updated_text = one(root, f"{ATOM}updated", "feed", problems)
    updated = rfc3339(updated_text)
    if updated_text and updated is None:
        problems.append(f"feed updated {updated_text!r} is not an RFC 3339 date-time")
    links = root.findall(f"{ATOM}link")
    self_links = [e.get("href") for e in links if e.get("rel") == "self"]
    if self_links != [tree.url_of(path)]:
        problems.append(f"link rel=self is {self_links}, not [{tree.url_of(path)}]")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and (
            why := tree.missing_target(link.get("href", ""))
        ):
            problems.append(f"feed alternate link: {why}")
    feed_has_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    ids: list[str] = []
    entry_updates: list[dt.datetime] = []
    published_dates: list[dt.datetime] = []
    for number, entry in enumerate(root.findall(f"{ATOM}entry"), 1):
        where = f"entry {number}"
        one(entry, f"{ATOM}title", where, problems)
        entry_id = one(entry, f"{ATOM}id", where, problems)
        if entry_id:
            ids.append(entry_id)
            if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:\S+$", entry_id):
                problems.append(f"{where}: id {entry_id!r} is not an absolute IRI")
        for tag, dates in (("updated", entry_updates), ("published", published_dates)):
            texts = [e.text for e in entry.findall(f"{ATOM}{tag}")]
            if tag == "updated" and len(texts) != 1:
                problems.append(f"{where}: {len(texts)} <updated> elements, expected one")
            for text in texts:
                when = rfc3339(text)
                if when is None:
                    problems.append(f"{where}: {tag} {text!r} is not an RFC 3339 date-time")
                else:
                    dates.append(when)
        alternates = [
            e.get("href", "")
            for e in entry.findall(f"{ATOM}link")
            if e.get("rel", "alternate") == "alternate"
        ]
        if len(alternates) != 1:
            problems.append(f"{where}: {len(alternates)} alternate links, expected one")
        for href in alternates:
            if why := tree.missing_target(href):
                problems.append(f"{where} link: {why}")
        if not feed_has_author and entry.find(f"{ATOM}author/{ATOM}name") is None:
            problems.append(f"{where}: no author, and the feed has none (RFC 4287 4.1.1)")
    if len(set(ids)) != len(ids):
        problems.append(f"repeated entry ids: {ids}")
    if published_dates != sorted(published_dates, reverse=True):
        problems.append("entries are not newest first")
    if updated and entry_updates and updated != max(entry_updates):
        problems.append(f"feed updated {updated_text} is not its newest entry's updated")
    return problems


def json_feed_validator() -> Any:
    try:
        import jsonschema
    except ImportError:
        pytest.fail("jsonschema (Python) is not installed: run tests/e2e/setup.sh")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def schema_errors(document: object) -> list[str]:
    errors = json_feed_validator().iter_errors(document)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors]


def check_json_feed(path: Path, tree: Tree) -> list[str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        return [f"not JSON: {error}"]
    problems = schema_errors(document)
    if problems:
        return problems
    if document.get("feed_url") != tree.url_of(path):
        problems.append(f"feed_url is {document.get('feed_url')}, not {tree.url_of(path)}")
    if "home_page_url" in document and (why := tree.missing_target(document["home_page_url"])):
        problems.append(f"home_page_url: {why}")
    ids = [item["id"] for item in document["items"]]
    if len(set(ids)) != len(ids):
        problems.append(f"repeated item ids: {ids}")
    dates = []
    for number, item in enumerate(document["items"], 1):
        if "url" in item and (why := tree.missing_target(item["url"])):
            problems.append(f"item {number} url: {why}")
        if "date_published" in item:
            dates.append(dt.datetime.fromisoformat(item["date_published"]))
    if dates != sorted(dates, reverse=True):
        problems.append("items are not newest first")
    return problems


Checker = Callable[[Path, Tree], list[str]]


class _FeedLinks(HTMLParser):
    """The feeds a page announces: `<link rel="alternate" type=... href=...>`."""

    def __init__(self) -> None:
        super().__init__()
        self.feeds: list[tuple[str, str]] = []  # (type, href)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "alternate" and found.get("href"):
            self.feeds.append((found.get("type") or "", str(found["href"])))


def feeds_of(tree: Tree, name: str, mime: str) -> list[Path]:
    """Every feed file called `name`, and every feed of type `mime` that a page announces;
    an announced feed that is missing fails the test."""
    feeds = set(tree.root.rglob(name))
    missing = []
    for page in sorted(tree.root.rglob("*.html")):
        parser = _FeedLinks()
        parser.feed(page.read_text(encoding="utf-8"))
        for kind, href in parser.feeds:
            if kind == mime:
                link = urljoin(tree.base, href)
                if why := tree.missing_target(link):
                    missing.append(f"{page.relative_to(tree.root)} announces {why}")
                else:
                    feeds.add(tree.root / unquote(link[len(tree.base) :]))
    assert not missing, "\n".join(missing)
    assert tree.root / name in feeds, f"the site has no {name}"
    return sorted(feeds)


def check_all(tree: Tree, name: str, mime: str, check: Checker) -> list[str]:
    return [
        f"{feed.relative_to(tree.root)}: {problem}"
        for feed in feeds_of(tree, name, mime)
        for problem in check(feed, tree)
    ]


@pytest.mark.parametrize("tree", TREES, indirect=True)
def test_rss_feeds_have_the_rss_2_structure(tree: Tree) -> None:
    problems = check_all(tree, "feed.xml", "application/rss+xml", check_rss)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("tree", TREES, indirect=True)
def test_atom_feeds_have_the_rfc_4287_structure(tree: Tree) -> None:
    problems = check_all(tree, "atom.xml", "application/atom+xml", check_atom)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("tree", TREES, indirect=True)
def test_json_feeds_match_the_json_feed_1_1_schema(tree: Tree) -> None:
    problems = check_all(tree, "feed.json", "application/feed+json", check_json_feed)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("tree", TREES, indirect=True)
def test_the_three_site_feeds_carry_the_same_items(tree: Tree) -> None:
    rss = etree.parse(str(tree.root / "feed.xml")).getroot()
    atom = etree.parse(str(tree.root / "atom.xml")).getroot()
    document = json.loads((tree.root / "feed.json").read_text(encoding="utf-8"))
    items = rss.findall("channel/item")
    entries = atom.findall(f"{ATOM}entry")
    assert items, "the site feed is empty"
    rss_view = [(i.findtext("title"), i.findtext("link"), i.findtext("guid")) for i in items]
    atom_view = [
        (e.findtext(f"{ATOM}title"), e.find(f"{ATOM}link").get("href"))  # type: ignore[union-attr]
        for e in entries
    ]
    json_view = [(i.get("title"), i.get("url"), i["id"]) for i in document["items"]]
    assert [(title, link) for title, link, _ in rss_view] == atom_view
    assert rss_view == json_view


# The checks above can fail: each of these broken feeds must be reported.
def _rss_without_guid(text: str) -> str:
    return re.sub(r"<guid[^>]*>[^<]*</guid>", "", text, count=1)


def _rss_with_wrong_weekday(text: str) -> str:
    def next_day(match: re.Match[str]) -> str:
        return f"<pubDate>{DAYS[(DAYS.index(match[1]) + 1) % 7]},"

    return re.sub(r"<pubDate>(\w{3}),", next_day, text, count=1)


def _atom_without_entry_id(text: str) -> str:
    return re.sub(r"(<entry>\s*)<id>[^<]*</id>", r"\1", text, count=1)


def _atom_with_bad_date(text: str) -> str:
    return re.sub(r"<updated>([^<]*)T", r"<updated>\1 ", text, count=1)


@pytest.mark.parametrize(
    ("name", "breaks"),
    [
        pytest.param("feed.xml", _rss_without_guid, id="rss-item-without-guid"),
        pytest.param("feed.xml", _rss_with_wrong_weekday, id="rss-wrong-weekday"),
        pytest.param(
            "feed.xml", lambda text: text.replace("</channel>", ""), id="rss-not-well-formed"
        ),
        pytest.param("atom.xml", _atom_without_entry_id, id="atom-entry-without-id"),
        pytest.param("atom.xml", _atom_with_bad_date, id="atom-date-not-rfc-3339"),
        pytest.param(
            "atom.xml",
            lambda text: text.replace('rel="self"', 'rel="related"'),
            id="atom-without-self-link",
        ),
    ],
)
def test_the_xml_checks_catch_broken_feeds(
    name: str, breaks: Callable[[str], str], tmp_path: Path
) -> None:
    check = check_rss if name == "feed.xml" else check_atom
    site = Tree(tmp_path / "expected", "https://digest.example.com/")  # a copy of a golden site
    shutil.copytree(GOLDEN / "basic" / "expected", site.root)
    feed = site.root / name
    assert check(feed, site) == []
    text = feed.read_text(encoding="utf-8")
    feed.write_text(breaks(text), encoding="utf-8")
    assert feed.read_text(encoding="utf-8") != text
    assert check(feed, site), "the broken feed passed"


def _without(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda feed: feed.pop(key)


def _item(change: Callable[[dict[str, Any]], object]) -> Callable[[dict[str, Any]], None]:
    def apply(feed: dict[str, Any]) -> None:
        change(feed["items"][0])

    return apply


@pytest.mark.parametrize(
    "breaks",
    [
        pytest.param(_without("version"), id="no-version"),
        pytest.param(_without("title"), id="no-title"),
        pytest.param(_without("items"), id="no-items"),
        pytest.param(
            lambda feed: feed.update(version="https://jsonfeed.org/version/1"),
            id="version-1.0",
        ),
        pytest.param(lambda feed: feed.update(home_page_url="/relative/"), id="relative-url"),
        pytest.param(lambda feed: feed.update(unknown_key=1), id="unknown-key"),
        pytest.param(lambda feed: feed.update(authors=[{}]), id="empty-author"),
        pytest.param(_item(lambda item: item.pop("id")), id="item-without-id"),
        pytest.param(_item(lambda item: item.update(id=7)), id="item-id-not-a-string"),
        pytest.param(_item(lambda item: item.pop("content_html")), id="item-without-content"),
        pytest.param(
            _item(lambda item: item.update(date_published="2025-03-12 09:15:00")),
            id="date-without-offset",
        ),
        pytest.param(
            _item(lambda item: item.update(date_published="12 March 2025")),
            id="date-not-rfc-3339",
        ),
        pytest.param(_item(lambda item: item.update(tags="North Korea")), id="tags-not-a-list"),
        pytest.param(
            _item(lambda item: item.update(attachments=[{"url": "https://example.org/a.mp3"}])),
            id="attachment-without-mime-type",
        ),
    ],
)
def test_the_json_feed_schema_rejects_broken_feeds(
    breaks: Callable[[dict[str, Any]], None],
) -> None:
    feed = json.loads((GOLDEN / "basic" / "expected" / "feed.json").read_text(encoding="utf-8"))
    assert schema_errors(feed) == []
    broken = copy.deepcopy(feed)
    breaks(broken)
    assert broken != feed
    assert schema_errors(broken), "the broken feed passed the schema"
