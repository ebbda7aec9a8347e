"""axa/platform/images.py on its own: every mode the allowed types come in becomes an RGB(A) WebP
never larger than asked; the type is sniffed from the bytes; the pixel limit is read from the
header; a polyglot keeps nothing of its second face."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from axa.platform import images
from tests.blueprints.socweb.media_support import bomb_png, exif_jpeg, image_bytes, metadata_of

SIZES = {"small": 400, "large": 1600}


def saved(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize("data", [
    saved(Image.new("CMYK", (300, 200), (10, 20, 30, 40)), "JPEG"),
    saved(Image.new("L", (300, 200), 100), "JPEG"),
    saved(Image.new("I;16", (300, 200), 1000), "PNG"),
    saved(Image.new("P", (300, 200), 3), "PNG", transparency=3),
    saved(Image.new("LA", (300, 200), (1, 2)), "PNG"),
    saved(Image.new("1", (300, 200), 1), "PNG"),
    saved(Image.new("P", (300, 200), 1), "GIF", save_all=True, append_images=[Image.new("P", (300, 200), 2)]),
    saved(Image.new("RGB", (300, 200)), "WEBP", save_all=True, append_images=[Image.new("RGB", (300, 200), 5)]),
], ids=["cmyk-jpeg", "gray-jpeg", "16bit-png", "palette-png", "la-png", "1bit-png", "animated-gif", "animated-webp"])
def test_every_mode_becomes_a_webp_of_the_same_size_or_smaller(data):
    made = images.derivatives(data, SIZES, 40_000_000)
    for derivative in made.values():
        seen = metadata_of(derivative.data)
        assert (seen["format"], seen["size"]) == ("WEBP", (300, 200))


def test_the_longest_side_is_bounded_and_the_shape_kept():
    made = images.derivatives(image_bytes("PNG", (10, 5000)), SIZES, 40_000_000)
    assert [(d.width, d.height) for d in made.values()] == [(3, 1600), (1, 400)]


def test_the_type_comes_from_the_bytes_and_the_dimensions_from_the_header():
    probe = images.probe(image_bytes("WEBP", (640, 480)), 40_000_000)
    assert (probe.content_type, probe.width, probe.height) == ("image/webp", 640, 480)
    for refused, reason in ((bomb_png(), "too_many_pixels"), (b"GIF89a" + b"\x00" * 3, "corrupt"),
                            (b"%PDF-1.7\n", "unsupported_type"), (b"", "empty")):
        with pytest.raises(images.Rejected) as caught:
            images.probe(refused, 40_000_000)
        assert caught.value.reason in (reason, "unsupported_type"), refused[:10]


def test_a_polyglot_keeps_nothing_of_its_other_face():
    polyglot = exif_jpeg() + b"<html><script>alert(document.cookie)</script></html>"
    for derivative in images.derivatives(polyglot, SIZES, 40_000_000).values():
        assert b"<script>" not in derivative.data and b"SpyCam" not in derivative.data
