"""Finding an article's lead image and reading its size, in the content stage.

The lead image is front matter's `image` (a path beside the article, a path
in the site, or an http(s) URL), else the body's first image when it is a
photo a link preview can show: a raster image of content/ or one on another
site (not an SVG, a diagram more than a photo, which no preview shows, nor an
image the site lacks: `digest check` reports those). Only the header of a
local image is read, by Pillow (imported when an article first has one).
"""

from __future__ import annotations

import contextlib
import functools
import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.content.files import is_skipped
from generator.content.frontmatter import FieldReader
from generator.content.leadimage import (
    SUFFIX_TYPES,
    LeadImage,
    Measured,
    local_image,
    remote_image,
)
from generator.errors import Problem
from generator.urls import Urls, is_web_url

IMAGE, IMAGE_ALT = "image", "image_alt"
_READ = ("JPEG", "PNG", "WEBP", "GIF", "AVIF")  # Pillow's names of the formats it may read
# The body's first image is a lead image only if it is a photo: of these kinds, or remote.
_RASTER = tuple(suffix for suffix, kind in SUFFIX_TYPES.items() if kind != "image/svg+xml")
_FIRST_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\s([a-zA-Z-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE)
_SVG_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$")
_ORIENTATION = 0x0112  # the EXIF tag
_SVG_BYTES = 65536  # how much of an SVG file is looked through for its root element


@dataclass(frozen=True)
class ImageFiles:
    """The images of a site's content/ folder, read as far as their headers."""

    content: Path
    urls: Urls

    def measure(self, file: str) -> Measured | str:
        """The format and size of the image at `file` (below content/); or why it is not
        an image a page can show."""
        where = f"content/{file}"
        if not self.has(file):
            return f"no such file: {where}"
        path = self.content / file
        if file.lower().endswith(".svg"):
            return _measure_svg(path, where)
        return _measure_raster(path, where)

    def has(self, file: str) -> bool:
        """Whether the site publishes a file at `file` below content/: one there (or
        linked there from inside content/), not hidden."""
        if is_skipped(file) or ".." in file.split("/"):
            return False
        path = self.content / file
        return path.is_file() and path.resolve().is_relative_to(self.content.resolve())


def lead_image(
    reader: FieldReader, body_html: str, text: str, urls: Urls, images: ImageFiles | None
) -> LeadImage | None:
    """The lead image of the article whose front matter `reader` holds, whose file's `text`
    rendered to `body_html`; problems go to `reader` (with `images` None, local images
    are not read: an article read without its site)."""
    alt = reader.text(IMAGE_ALT) or ""
    written = reader.text(IMAGE)
    if written is not None:
        if IMAGE_ALT not in reader.meta:
            reader.warn(IMAGE, "image without image_alt: describe it for those who cannot see it")
        if is_web_url(written):
            return remote_image(written, alt, False)
        file = _file_of(reader, written)
        line = reader.lines.get(IMAGE, 1)
        return None if file is None else _local(reader, file, (alt, False), images, line)
    first = first_body_image(body_html, urls.base_path)
    if first is None:
        return None
    src, body_alt = first
    if is_web_url(src):
        return remote_image(src, alt or body_alt, True)
    if images is None or not src.lower().endswith(_RASTER) or not images.has(src):
        return None  # a diagram, or a file the site lacks (digest check reports it)
    return _local(reader, src, (alt or body_alt, True), images, _line_of(text, src))


def _local(
    reader: FieldReader, file: str, alt: tuple[str, bool], images: ImageFiles | None, line: int
) -> LeadImage | None:
    """The lead image of the local `file` with its alternative text and whether it is the
    body's (`alt`), or None after recording, at `line`, why it cannot be one."""
    if images is None:
        return None
    measured = images.measure(file)
    if isinstance(measured, str):
        reader.problems.append(Problem(reader.path, line, f"lead image: {measured}"))
        return None
    return local_image(file, measured, alt[0], images.urls, alt[1])


def _file_of(reader: FieldReader, written: str) -> str | None:
    """The path below content/ of `image` as written: relative to the article, or to the
    site with a leading /; None after recording a problem, for anything else."""
    parts = urlsplit(written)
    folder = posixpath.dirname(reader.path.removeprefix("content/"))
    joined = posixpath.normpath(posixpath.join("/" if written.startswith("/") else folder, written))
    file = joined.lstrip("/")
    if parts.scheme or parts.netloc or parts.query or parts.fragment or "\\" in written:
        message = "image must be a path beside the article, a path in the site or an http(s) URL"
    elif file in ("", ".", "..") or file.startswith("../"):
        message = f"image {written!r} is outside content/"
    else:
        return file
    reader.error(IMAGE, message)
    return None


def first_body_image(body_html: str, base_path: str) -> tuple[str, str] | None:
    """The source and alternative text of the body's first image: a path below content/
    for one of the site (its links are under `base_path`), or an http(s) URL; None if
    the body has no image, or its first points elsewhere."""
    if "<img" not in body_html and "<IMG" not in body_html:
        return None
    tag = _FIRST_IMG.search(body_html)
    if tag is None:
        return None
    attributes = {
        m[1].lower(): html.unescape(m[2].strip("\"'")) for m in _ATTRIBUTE.finditer(tag[0])
    }
    src, alt = attributes.get("src", ""), attributes.get("alt", "")
    if is_web_url(src):
        return src, alt
    if src.startswith(base_path) and not src.startswith("//"):
        path = unquote(urlsplit(src).path)[len(base_path) :]
        if path and not path.endswith("/"):
            return path, alt
    return None


def _line_of(text: str, file: str) -> int:
    """The line of the article's file `text` that names the image `file` (its name
    alone, as a relative path gives it); 1 if none does."""
    found = text.find(posixpath.basename(file))
    return 1 if found < 0 else text.count("\n", 0, found) + 1


@functools.cache
def readable_formats() -> tuple[str, ...]:
    """The formats of `_READ` this Pillow reads, their plugins imported (all of Pillow's
    take twice as long; AVIF is left out of some builds)."""
    from PIL import (  # noqa: F401 (imported to register their formats)
        GifImagePlugin,
        Image,
        JpegImagePlugin,
        PngImagePlugin,
        WebPImagePlugin,
    )

    with contextlib.suppress(ImportError):
        from PIL import AvifImagePlugin  # noqa: F401
    return tuple(name for name in _READ if name in Image.OPEN)


def _measure_raster(path: Path, where: str) -> Measured | str:
    """A JPEG, PNG, WebP, GIF or AVIF image's format and size, from its header."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path, formats=readable_formats()) as image:
            width, height = image.size
            if _turned(image):
                width, height = height, width
            animated = bool(getattr(image, "is_animated", False))
            kind = str(image.format)
    except UnidentifiedImageError:
        return f"{where} is not a JPEG, PNG, WebP, GIF, AVIF or SVG image"
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        return f"{where} cannot be read as an image: {exc}"
    return Measured(kind, width, height, path.stat().st_size, animated)


def _turned(image: Any) -> bool:
    """Whether a JPEG's or WebP's EXIF orientation turns it a quarter (browsers show it
    so); that of other formats is not read, as it may come after the pixels."""
    if image.format not in ("JPEG", "MPO", "WEBP") or "exif" not in image.info:
        return False
    return image.getexif().get(_ORIENTATION) in (5, 6, 7, 8)


def _measure_svg(path: Path, where: str) -> Measured | str:
    """An SVG image's size, from its root element's width and height in pixels, or its
    viewBox; none if it gives neither."""
    with open(path, "rb") as stream:
        head = stream.read(_SVG_BYTES)
    root = _SVG_ROOT.search(head)
    if root is None:
        return f"{where} is not an SVG image: no <svg> element"
    attributes = {
        m[1].lower(): m[2].strip("\"'")
        for m in _ATTRIBUTE.finditer(root[0].decode("utf-8", "replace"))
    }
    width, height = (_svg_length(attributes.get(name, "")) for name in ("width", "height"))
    box = attributes.get("viewbox", "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        with contextlib.suppress(ValueError):
            width, height = round(float(box[2])), round(float(box[3]))
    if not width or not height:
        width = height = None
    return Measured("SVG", width, height, path.stat().st_size)


def _svg_length(value: str) -> int | None:
    """A length of an SVG's root in pixels (`200`, `200px`); None for any other (`100%`)."""
    match = _SVG_LENGTH.match(value)
    return round(float(match[1])) if match else None


def image_inputs(image: LeadImage | None, body_html: str, base_path: str) -> tuple[str, ...]:
    """The files below content/ whose bytes (or absence) reading an article's lead image
    depended on, given the `image` it found and its `body_html`: the file of `image`,
    or of the body's first image (a build cache keeps an article only while they are
    as they were)."""
    if image is not None and not image.from_body:
        return () if image.original.file is None else (image.original.file,)
    first = first_body_image(body_html, base_path)
    return () if first is None or is_web_url(first[0]) else (first[0],)
