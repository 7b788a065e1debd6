"""site.yaml -> SiteConfig, validated once at the start of every command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.errors import Problem, SiteError
from generator.frozen import FrozenMapping
from generator.settings.structured import (
    STRUCTURED,
    AuthorInfo,
    MenuItem,
    check_structured,
    structured,
)
from generator.settings.subscriptions import (
    GATHERING_KEYS,
    WEB_URL,
    Gathering,
    Lines,
    gathering_from,
)
from generator.settings.yamlfile import YamlError, item_lines, load_mapping
from generator.text import printable

CONFIG_FILE = "site.yaml"
PERMALINK_FIELDS = ("year", "month", "day", "slug")
FEED_CONTENT = ("full", "summary")
DIGEST_PERIODS = ("daily", "weekly")
# What a site may leave out: kinds of pages (with their feeds) and feed formats.
ID_DATE = "2000-01-01"  # of `tag:` ids (RFC 4151), when a site sets none: never to change
OPTIONAL_KINDS = ("digests", "archive", "sources", "rss", "atom", "json")
NO_PARAMS = FrozenMapping({})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class SiteConfig:
    """The settings of one site; every field is a `site.yaml` key."""

    title: str = "News Digest"
    description: str = ""
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    timezone: str = "UTC"
    author: str = ""
    permalink: str = "/{year}/{month}/{day}/{slug}/"
    page_size: int = 10
    feed_items: int = 50
    feed_content: str = "full"
    id_domain: str = ""
    id_date: str = ID_DATE
    digest_period: str = "daily"
    tag_aliases: tuple[tuple[str, str], ...] = ()
    unsafe_html: bool = False
    strict_templates: bool = False
    max_article_bytes: int = 5_000_000
    new_article_path: str = "{year}/{month}/{slug}.md"
    disable: tuple[str, ...] = ()  # of OPTIONAL_KINDS
    search: bool = True  # a search page and its index (see search/)
    websub_hub: str = ""  # a WebSub hub every feed names, for instant delivery
    menu: tuple[MenuItem, ...] = ()  # the header's links, instead of the built-in ones
    params: FrozenMapping = NO_PARAMS  # free values for templates: site.params
    authors: tuple[AuthorInfo, ...] = ()  # what the site says of its authors
    sections: bool = False  # `categories` are sections (desks), apart from tags

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def makes(self, kind: str) -> bool:
        """Whether the site has pages or feeds of `kind` (one of OPTIONAL_KINDS, or
        "search")."""
        if kind == "search":
            return self.search
        return kind not in self.disable


def load_config(site_dir: Path, overrides: dict[str, Any] | None = None) -> SiteConfig:
    """Read `site_dir/site.yaml`, apply `overrides` (from the command line), validate."""
    data, lines = _read(site_dir)
    overrides = overrides or {}
    data.update(overrides)
    lines = Lines({k: n for k, n in lines.keys.items() if k not in overrides}, lines.items)
    return config_from_mapping(data, lines, {key: "command line" for key in overrides})


def load_gathering(site_dir: Path) -> Gathering:
    """The subscriptions of `site_dir/site.yaml` and the limits of fetching them; raise
    SiteError if anything in site.yaml is wrong."""
    return load_settings(site_dir)[1]


def load_settings(site_dir: Path) -> tuple[SiteConfig, Gathering]:
    """Both halves of `site_dir/site.yaml`, read once: what shapes the site, and what
    `digest fetch` gathers; raise SiteError if anything in it is wrong."""
    data, lines = _read(site_dir)
    return config_from_mapping(data, lines), gathering_from(data, lines, CONFIG_FILE)[0]


def _read(site_dir: Path) -> tuple[dict[str, Any], Lines]:
    """The mapping of `site_dir/site.yaml`, and where its values are."""
    path = site_dir / CONFIG_FILE
    if not path.is_file():
        raise SiteError([Problem(CONFIG_FILE, None, f"no {CONFIG_FILE} in {site_dir}")])
    try:
        text = path.read_text(encoding="utf-8")
        data, lines = load_mapping(text)
    except YamlError as exc:
        raise SiteError([Problem(CONFIG_FILE, exc.line, str(exc))]) from None
    except UnicodeDecodeError:
        raise SiteError([Problem(CONFIG_FILE, None, "not UTF-8 text")]) from None
    items = item_lines(text, "subscriptions") if "subscriptions" in data else ()
    return data, Lines(lines, items)


def config_from_mapping(
    data: dict[str, Any],
    where: Lines | dict[str, int] | None = None,
    origins: dict[str, str] | None = None,
) -> SiteConfig:
    """Validate a mapping of settings; raise SiteError naming every bad key.

    `where` gives the site.yaml line of each key (and of each subscription);
    `origins` names where a key came from when it is not site.yaml (a
    command-line option). The settings of `digest fetch` are checked too,
    though SiteConfig does not hold them (see settings/subscriptions.py).
    """
    where = where if isinstance(where, Lines) else Lines(where or {})
    lines, origins = where.keys, origins or {}
    known = {f.name: f for f in dataclasses.fields(SiteConfig)}
    problems = gathering_from(data, where, CONFIG_FILE)[1]
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in GATHERING_KEYS:
            continue
        if key == "id_date" and isinstance(value, dt.date):
            value = value.isoformat()  # YAML reads 2020-01-01 as a date
        message = _check_setting(key, value, known)
        if message:
            problems.append(Problem(origins.get(key, CONFIG_FILE), lines.get(key), message))
        elif value is not None:
            values[key] = value
    if problems:
        raise SiteError(problems)
    if "base_url" in values:
        values["base_url"] = values["base_url"].rstrip("/") + "/"
    if "tag_aliases" in values:
        values["tag_aliases"] = tuple(sorted(values["tag_aliases"].items()))
    if "disable" in values:
        values["disable"] = tuple(sorted(set(values["disable"])))
    base_url = values.get("base_url", SiteConfig.base_url)
    values.update({k: structured(k, v, base_url) for k, v in values.items() if k in STRUCTURED})
    return SiteConfig(**values)


def _check_setting(key: str, value: Any, known: dict[str, dataclasses.Field[Any]]) -> str | None:
    """What is wrong with one setting of site.yaml, or None (a setting left empty is
    left at its default)."""
    field = known.get(key)
    if field is None:
        return f"unknown key {key!r}; known keys: {', '.join([*known, *GATHERING_KEYS])}"
    expected = {"tag_aliases": dict, "disable": list, **STRUCTURED}.get(key, type(field.default))
    if value is None:
        return None
    if type(value) is not expected:
        return f"{key} must be {expected.__name__}, got {type(value).__name__}"
    return _check_value(key, value)


def _check_value(key: str, value: Any) -> str | None:
    """What is wrong with one well-typed value, or None."""
    if key in STRUCTURED:
        return check_structured(key, value)
    if key == "base_url" and not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", value):
        return f"base_url must be an absolute http(s) URL without query or fragment, got {value!r}"
    if isinstance(value, str) and printable(value) != value:
        return f"{key} holds a control character, which no page or feed may carry"
    if key == "websub_hub" and value and not WEB_URL.fullmatch(value):
        return f"websub_hub must be an absolute http(s) URL, got {value!r}"
    if key in ("page_size", "feed_items", "max_article_bytes") and value < 1:
        return f"{key} must be at least 1"
    if key == "feed_content" and value not in FEED_CONTENT:
        return f"feed_content must be one of {', '.join(FEED_CONTENT)}, got {value!r}"
    if key == "id_domain" and not re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?", value):
        return f"id_domain must be a lower-case domain name such as news.example.org, got {value!r}"
    if key == "id_date" and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return f"id_date must be a date such as 2025-01-01 (or 2025-01, or 2025), got {value!r}"
    if key == "digest_period" and value not in DIGEST_PERIODS:
        return f"digest_period must be one of {', '.join(DIGEST_PERIODS)}, got {value!r}"
    if key == "tag_aliases" and not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
        for k, v in value.items()
    ):
        return "tag_aliases must map tag names to tag names, e.g. `DPRK: North Korea`"
    unknown = [kind for kind in value if kind not in OPTIONAL_KINDS] if key == "disable" else []
    if unknown:
        return f"disable may list {', '.join(OPTIONAL_KINDS)}; got {unknown[0]!r}"
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return f"unknown timezone {value!r}; use an IANA name such as Europe/Paris or UTC"
    if key == "permalink":
        return _check_permalink(value)
    if key == "new_article_path":
        return _check_new_article_path(value)
    return None


def _check_new_article_path(pattern: str) -> str | None:
    if not pattern.endswith(".md") or "{slug}" not in pattern:
        return f"new_article_path must contain {{slug}} and end with .md, got {pattern!r}"
    try:
        fixed = pattern.format(**dict.fromkeys(PERMALINK_FIELDS, "x"))
    except (ValueError, KeyError, IndexError):
        return f"new_article_path may use {PERMALINK_FIELDS} only, got {pattern!r}"
    if pattern.startswith("/") or any(p in (".", "..", "") for p in fixed.split("/")):
        return f"new_article_path must be a relative path inside content/, got {pattern!r}"
    return None


def _check_permalink(pattern: str) -> str | None:
    if not (pattern.startswith("/") and pattern.endswith("/")):
        return f"permalink must start and end with '/', got {pattern!r}"
    names = _PLACEHOLDER.findall(pattern)
    unknown = [n for n in names if n not in PERMALINK_FIELDS]
    if unknown:
        return f"permalink has unknown field {{{unknown[0]}}}; use {PERMALINK_FIELDS}"
    try:
        pattern.format(**dict.fromkeys(PERMALINK_FIELDS, "x"))
    except (ValueError, KeyError, IndexError):
        return f"permalink has an unmatched brace: {pattern!r}"
    if "slug" not in names:
        return "permalink must contain {slug} so that every article has its own page"
    fixed = _PLACEHOLDER.sub("x", pattern)
    if any(part in (".", "..") for part in fixed.split("/")) or "\\" in fixed:
        return f"permalink must stay inside the output folder, got {pattern!r}"
    return None
