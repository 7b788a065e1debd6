"""Where an article's links point, and the sanitizer that keeps only safe markup and URLs."""

from __future__ import annotations

import functools
import posixpath
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nh3

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # of links and images, when sanitized
_EVERYWHERE = {"id", "class", "title", "lang", "dir"}


@functools.cache
def allowed_attributes() -> dict[str, set[str]]:
    """The attributes the sanitizer keeps: nh3's, and more of links, images, table
    cells and times."""
    import nh3

    return {
        **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
        "*": _EVERYWHERE,
        "a": {"href", "hreflang"},
        "img": {"src", "alt", "width", "height", "loading"},
        "th": {"style", "colspan", "rowspan", "scope", "align"},
        "td": {"style", "colspan", "rowspan", "align"},
        "time": {"datetime"},
    }


def sanitize(html: str) -> str:
    """`html` with only allow-listed tags, attributes and URL schemes left."""
    return _cleaner().clean(html)


@functools.cache
def _cleaner() -> nh3.Cleaner:
    """The sanitizer, made once: a third faster than `nh3.clean` with its options."""
    import nh3  # imported when first needed

    return nh3.Cleaner(
        attributes=allowed_attributes(),
        link_rel=None,
        filter_style_properties={"text-align"},
        url_schemes=set(URL_SCHEMES),
    )


def resolve_link(target: str, folder: str, base_path: str) -> str:
    """Where a link written in an article under `content/folder` really points."""
    if not target or target.startswith(("#", "//", "?")) or _SCHEME.match(target):
        return target
    if target.startswith("/"):
        return base_path + target.lstrip("/")
    joined = posixpath.normpath(posixpath.join(folder, target))
    if joined == ".." or joined.startswith("../"):
        return target
    trailing = "/" if target.endswith("/") and joined != "." else ""
    return base_path + ("" if joined == "." else joined) + trailing
