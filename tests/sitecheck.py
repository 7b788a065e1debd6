"""Reading a built site back: its pages, and the internal links that are broken."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def file_for(out_dir: Path, base_url: str, link: str) -> Path | None:
    """The output file an internal link points at, or None for an external link."""
    base = urlsplit(base_url)
    parts = urlsplit(link)
    if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc) != (
        base.scheme,
        base.netloc,
    ):
        return None
    path = unquote(parts.path)
    if not path:
        return None  # a fragment or query on the same page
    assert path.startswith(base.path), f"link {link!r} is outside the base path {base.path!r}"
    relative = path[len(base.path) :]
    return out_dir / (
        relative + "index.html" if relative == "" or relative.endswith("/") else relative
    )


def broken_links(out_dir: Path, base_url: str) -> list[str]:
    """Every `page -> link` in the built HTML whose target file does not exist."""
    broken = []
    for page in sorted(out_dir.rglob("*.html")):
        for link in links_of(page.read_text(encoding="utf-8")):
            target = file_for(out_dir, base_url, link)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(out_dir)} -> {link}")
    return broken
