"""Real images for the tests of lead images, made by Pillow, and a look at image files."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

EXIF_ORIENTATION = 0x0112


def picture(width: int, height: int, kind: str = "JPEG", turned: int | None = None) -> bytes:
    """The bytes of a `width` x `height` image in `kind` (Pillow's name of a format): a
    colour gradient, with a camera's EXIF (its make, and `turned` as its orientation)."""
    red = Image.linear_gradient("L").resize((width, height))
    green = red.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    blue = Image.radial_gradient("L").resize((width, height))
    image = Image.merge("RGB", (red, green, blue))
    exif = Image.Exif()
    exif[0x010F] = "Test Camera"  # Make
    if turned is not None:
        exif[EXIF_ORIENTATION] = turned
    out = io.BytesIO()
    image.save(out, kind, **({} if kind == "GIF" else {"exif": exif.tobytes()}))
    return out.getvalue()


def size_and_format(path: Path) -> tuple[int, int, str]:
    """The width, height and format Pillow finds in the image file at `path`."""
    with Image.open(path) as image:
        return (*image.size, str(image.format))


def metadata(path: Path) -> dict[int, object]:
    """The EXIF tags of the image file at `path` (empty if it has none)."""
    with Image.open(path) as image:
        return dict(image.getexif())
