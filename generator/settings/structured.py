"""The settings of site.yaml that are lists or mappings rather than one value: the
menu, the theme's free parameters and the site's authors; each checked, and made
into values that cannot change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from generator.frozen import frozen
from generator.settings.subscriptions import WEB_URL
from generator.text import printable

STRUCTURED = {"menu": list, "params": dict, "authors": dict}  # each key, and its YAML type


@dataclass(frozen=True)
class MenuItem:
    """One link of the site's menu: its text, where it points (the href, under the
    base path for a link inside the site) and, for such a link, the site-relative
    URL of the page it is (for `aria-current`), else None."""

    name: str
    href: str
    url: str | None


@dataclass(frozen=True)
class AuthorInfo:
    """What site.yaml says of one author: a page or profile of theirs, and a short bio."""

    name: str
    url: str = ""
    bio: str = ""


def check_structured(key: str, value: Any) -> str | None:
    """What is wrong with the list or mapping of `key` (one of STRUCTURED), or None."""
    if key == "menu":
        return next(filter(None, map(_check_menu_item, value)), None)
    if key == "authors":
        return next((m for n, a in value.items() if (m := _check_author(n, a))), None)
    if not all(isinstance(name, str) for name in value):
        return "params must be a mapping of names (text) to values"
    return None


def structured(key: str, value: Any, base_url: str) -> Any:
    """The value SiteConfig holds for the checked `value` of `key`."""
    if key == "menu":
        return tuple(_menu_item(entry, base_url) for entry in value)
    if key == "authors":
        return tuple(_author(name, about or {}) for name, about in value.items())
    return frozen(value)


def _check_menu_item(entry: Any) -> str | None:
    example = "each menu entry must be a mapping such as {name: About, url: /about/}"
    if not isinstance(entry, dict) or set(entry) != {"name", "url"}:
        return example
    name, url = entry["name"], entry["url"]
    if not isinstance(name, str) or not name.strip() or printable(name) != name:
        return f"a menu entry's name must be text, got {name!r}"
    if not isinstance(url, str) or not url.strip() or printable(url) != url:
        return f"the url of menu entry {name!r} must be text, got {url!r}"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if not WEB_URL.fullmatch(url) and parts.scheme != "mailto":
            return f"the url of menu entry {name!r} must be http(s), mailto: or a site path"
    elif not url.startswith("/") or ".." in parts.path.split("/"):
        return f"the url of menu entry {name!r} must start with / (a page of the site): {url!r}"
    return None


def _menu_item(entry: dict[str, str], base_url: str) -> MenuItem:
    parts = urlsplit(entry["url"])
    if parts.scheme or parts.netloc:
        return MenuItem(entry["name"].strip(), entry["url"], None)
    path = parts.path.lstrip("/")
    rest = (f"?{parts.query}" if parts.query else "") + (
        f"#{parts.fragment}" if parts.fragment else ""
    )
    href = (urlsplit(base_url).path or "/") + quote(path) + rest
    return MenuItem(entry["name"].strip(), href, path)


def _check_author(name: Any, about: Any) -> str | None:
    if not isinstance(name, str) or not name.strip() or printable(name) != name:
        return f"an author's name must be text, got {name!r}"
    if about is None:
        return None
    if not isinstance(about, dict) or not set(about) <= {"url", "bio"}:
        return f"author {name!r} may have a url and a bio, such as {{url: ..., bio: ...}}"
    url, bio = about.get("url", ""), about.get("bio", "")
    if not isinstance(url, str) or (url and not WEB_URL.fullmatch(url)):
        return f"the url of author {name!r} must be an absolute http(s) URL, got {url!r}"
    if not isinstance(bio, str) or printable(bio) != bio:
        return f"the bio of author {name!r} must be text"
    return None


def _author(name: str, about: dict[str, str]) -> AuthorInfo:
    bio = " ".join(about.get("bio", "").split())
    return AuthorInfo(" ".join(name.split()), about.get("url", ""), bio)
