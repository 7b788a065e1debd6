"""The resized copies of lead images (see content/leadimage.py) as outputs, made with Pillow.

Each copy is made in the write stage, in a worker process, from the bytes of
its original as the plan found them. Making one is deterministic: the same
original gives the same bytes (no metadata but the colour profile, a fixed
quality, no time or randomness), so its output is keyed on the original's
fingerprint, its size and format, and Pillow's version (`ResizedImage`), and
an unchanged image is never encoded again.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from generator.content.images import readable_formats
from generator.content.model import Article
from generator.errors import Problem, SiteError
from generator.outputs import Output, fingerprint

# How each format is saved: a fixed quality, and no metadata but the colour profile.
_SAVED: Mapping[str, Mapping[str, Any]] = {
    "JPEG": {"quality": 82, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80, "method": 4},
}


class ResizedImage(NamedTuple):
    """What a resized copy is made from: the original's file and the fingerprint of the
    bytes it was planned with, the copy's size, its format (Pillow's name) and the
    version of Pillow that makes it."""

    path: Path
    fingerprint: str
    width: int
    height: int
    format: str
    pillow: str


def variant_outputs(
    articles: Iterable[Article], content_dir: Path, prints: Mapping[str, str]
) -> list[Output]:
    """The resized copies of the lead images of `articles`, each once; `prints` are the
    fingerprints of the files of content/ (by their path below it), as planned."""
    made: dict[str, Output] = {}
    for article in articles:
        image = article.image
        file = image.original.file if image is not None else None
        if image is None or file is None or not image.variants:
            continue
        kind = _format(image.media_type)
        for variant in image.variants:
            if variant.file is None or variant.file in made or variant.width is None:
                continue
            size = (variant.width, variant.height or 1)
            planned = prints.get(file, "")  # none: gone since it was read
            source = ResizedImage(content_dir / file, planned, *size, kind, pillow_version())
            make = functools.partial(make_variant, source, f"content/{file}")
            made[variant.file] = Output(variant.file, f"content/{file}", make, source)
    return list(made.values())


def make_variant(source: ResizedImage, origin: str) -> bytes:
    """The bytes of the copy `source` describes, if its original is still as planned."""
    data = source.path.read_bytes()
    if fingerprint(data) != source.fingerprint:
        raise SiteError([Problem(origin, None, "changed while the site was built; build again")])
    from PIL import Image

    try:
        return resized(data, source.width, source.height, source.format)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        # Its header was read, not its pixels: a file cut short is found here.
        raise SiteError([Problem(origin, None, f"cannot be resized: {exc}")]) from None


def resized(data: bytes, width: int, height: int, kind: str) -> bytes:
    """The image of `data` (a JPEG, PNG or WebP) turned as its EXIF orientation says and
    resized to `width` x `height`, in the format `kind`, without its metadata."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data), formats=readable_formats()) as image:
        profile = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image) if image.format != "PNG" else image
        pixels = upright.convert(_mode(upright, kind))
        small = pixels.resize((width, height), Image.Resampling.LANCZOS)
    small.info = {}  # nothing of the original's but what is passed below
    out = io.BytesIO()
    small.save(out, kind, icc_profile=profile, exif=b"", **_SAVED[kind])
    return out.getvalue()


def _mode(image: Any, kind: str) -> str:
    """The mode to resize `image` in for a copy in `kind`: its own where the format keeps
    it, else RGB (or RGBA, to keep transparency)."""
    if kind == "JPEG":
        return image.mode if image.mode in ("L", "RGB", "CMYK") else "RGB"
    if image.mode in ("L", "LA", "RGB", "RGBA"):
        return str(image.mode)
    transparent = "A" in image.mode or "transparency" in image.info
    return "RGBA" if transparent else "RGB"


def _format(media_type: str | None) -> str:
    """Pillow's name of the format of a copy of an image of `media_type`: its own."""
    return {"image/png": "PNG", "image/webp": "WEBP"}.get(media_type or "", "JPEG")


@functools.cache
def pillow_version() -> str:
    import PIL

    return str(PIL.__version__)
