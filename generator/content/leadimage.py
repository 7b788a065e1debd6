"""An article's lead image, as read: the file or URL, its size, and its resized copies.

A local raster image (JPEG, PNG, WebP) gets copies `VARIANT_WIDTHS` wide, those
narrower than itself, each beside the original (`photo.jpg` -> `photo-480w.jpg`),
in the original's format; they are made in the write stage (see variants.py).
Any other image (SVG, GIF, AVIF, one on another site) is used as it is.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import urlsplit

from generator.urls import Urls

VARIANT_WIDTHS = (480, 960, 1440)
# Pillow's name of each format a lead image may have -> its media type; those resized.
MEDIA_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",  # a JPEG with more pictures after the first (phone cameras)
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "AVIF": "image/avif",
    "SVG": "image/svg+xml",
}
RESIZED = frozenset({"JPEG", "MPO", "PNG", "WEBP"})
# The media type of an image by its name's suffix (of one on another site, or in a body).
SUFFIX_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".avif": "image/avif",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True)
class Measured:
    """What reading a local image's header found: its format (Pillow's name, or SVG), its
    size as shown (after its EXIF orientation; None if it says none), its file's length,
    and whether it moves (an animated GIF, PNG or WebP, used as it is)."""

    format: str
    width: int | None
    height: int | None
    length: int
    animated: bool = False


@dataclass(frozen=True)
class Picture:
    """One file of a lead image, the original or a resized copy: its path in the output
    (None for an image on another site), its link in a page, its absolute URL, its
    size (None when not known)."""

    file: str | None
    src: str
    url: str
    width: int | None
    height: int | None


@dataclass(frozen=True)
class LeadImage:
    """The image that stands for an article in its page's head, above its text, on its
    cards and in its feed items."""

    original: Picture
    alt: str
    media_type: str | None  # None: not known (an image on another site, of no known suffix)
    length: int | None  # the original's bytes, for feed enclosures; None if not known
    variants: tuple[Picture, ...]  # resized copies, narrowest first
    from_body: bool  # the body's first image, which its page shows already

    @property
    def src(self) -> str:
        return self.original.src

    @property
    def url(self) -> str:
        return self.original.url

    @property
    def width(self) -> int | None:
        return self.original.width

    @property
    def height(self) -> int | None:
        return self.original.height

    @property
    def srcset(self) -> str:
        """The copies and the original as a `srcset` of widths, or '' if there are none."""
        pictures = (*self.variants, self.original)
        return ", ".join(f"{p.src} {p.width}w" for p in pictures) if self.variants else ""

    @property
    def thumbnail(self) -> Picture:
        """The narrowest picture: for cards and digests."""
        return self.variants[0] if self.variants else self.original


def local_image(file: str, measured: Measured, alt: str, urls: Urls, from_body: bool) -> LeadImage:
    """The lead image of the file `file` (below content/, which is its path in the site)."""
    width, height = measured.width, measured.height
    variants: tuple[Picture, ...] = ()
    if measured.format in RESIZED and not measured.animated and width and height:
        variants = tuple(
            _picture(variant_file(file, w), w, max(1, round(height * w / width)), urls)
            for w in VARIANT_WIDTHS
            if w < width
        )
    original = _picture(file, width, height, urls)
    media_type = MEDIA_TYPES[measured.format]
    return LeadImage(original, alt, media_type, measured.length, variants, from_body)


def remote_image(url: str, alt: str, from_body: bool) -> LeadImage:
    """The lead image at `url`, on another site: used as it is, its size not known, its
    media type that of its name's suffix, if it is one of an image."""
    suffix = posixpath.splitext(urlsplit(url).path)[1].lower()
    media_type = SUFFIX_TYPES.get(suffix)
    return LeadImage(Picture(None, url, url, None, None), alt, media_type, None, (), from_body)


def variant_file(file: str, width: int) -> str:
    """Where the copy of `file` `width` wide goes: beside it (`a/photo-480w.jpg`)."""
    stem, suffix = posixpath.splitext(file)
    return f"{stem}-{width}w{suffix}"


def _picture(file: str, width: int | None, height: int | None, urls: Urls) -> Picture:
    return Picture(file, urls.href(file), urls.absolute(file), width, height)
