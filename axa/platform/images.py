"""Images users upload, read with Pillow and made safe to serve: the type sniffed from the bytes
(only JPEG, PNG, WebP and GIF: ``Image.open(formats=...)``, never the name or the client's
Content-Type), a pixel limit checked on the header before any decoding (decompression bombs), a
truncated or corrupt file refused, EXIF orientation applied and then every piece of metadata
dropped by re-encoding to WebP (security.md item 38). Pure functions of bytes, no I/O.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
DERIVED_TYPE = "image/webp"
WEBP_OPTIONS = {"quality": 80, "method": 4}


class Rejected(ValueError):
    """Not an image the platform keeps; ``reason`` is the stable code the API reports."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True)
class Probe:
    format: str  # a key of ALLOWED
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return ALLOWED[self.format]


@dataclass(frozen=True)
class Derivative:
    data: bytes
    width: int
    height: int


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """The image's header read (nothing decoded yet), or Rejected."""
    if not data:
        raise Rejected("empty", "The file is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=list(ALLOWED))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Rejected("too_many_pixels", f"More than {max_pixels} pixels.") from None
    except UnidentifiedImageError:
        raise Rejected("unsupported_type", "Not a JPEG, PNG, WebP or GIF image.") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise Rejected("corrupt", f"The image cannot be read: {exc}") from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        image.close()
        raise Rejected("too_many_pixels", f"{width}x{height} is more than {max_pixels} pixels.")
    return image


def probe(data: bytes, max_pixels: int) -> Probe:
    """Type and dimensions from the header alone (cheap), or Rejected."""
    with _open(data, max_pixels) as image:
        return Probe(image.format, *image.size)


def _decoded(image: Image.Image, largest: int) -> Image.Image:
    """The whole image decoded (a JPEG at the smallest scale still above ``largest`` on its longest
    side), upright, in RGB or RGBA; Rejected when the data ends early or is corrupt."""
    width, height = image.size
    scale = min(1.0, largest / max(width, height))
    image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
    try:
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
    except (OSError, SyntaxError, ValueError) as exc:
        reason = "truncated" if "truncated" in str(exc) else "corrupt"
        raise Rejected(reason, f"The image cannot be decoded: {exc}") from None
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    converted = image.convert("RGBA" if alpha else "RGB")
    converted.info = {}  # no EXIF, ICC, XMP or comments reach an encoder
    return converted


def _encoded(image: Image.Image) -> Derivative:
    out = BytesIO()
    image.save(out, "WEBP", **WEBP_OPTIONS)
    return Derivative(out.getvalue(), *image.size)


def derivatives(data: bytes, sizes: dict[str, int], max_pixels: int) -> dict[str, Derivative]:
    """A WebP of the image per name in ``sizes``, its longest side at most that many pixels
    (never enlarged), made from the largest down; or Rejected."""
    with _open(data, max_pixels) as image:
        current = _decoded(image, max(sizes.values()))
    made = {}
    for name, px in sorted(sizes.items(), key=lambda item: -item[1]):
        current = current.copy() if made else current
        current.thumbnail((px, px), Image.Resampling.LANCZOS)
        made[name] = _encoded(current)
    return made
