"""Images made with Pillow for the media tests, and a socweb app storing them in a fresh folder."""
from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

ORIENTATION, MAKE, GPS = 0x0112, 0x010F, 0x8825


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), mode: str = "RGB",
                color=(200, 30, 60), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def exif_jpeg(size: tuple[int, int] = (120, 60), orientation: int = 6) -> bytes:
    """A JPEG carrying EXIF: a camera make, a GPS block and an orientation (6: rotate 90° to show)."""
    exif = Image.Exif()
    exif[MAKE] = "SpyCam"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS)[2] = (51.0, 30.0, 0.0)  # GPSLatitude
    return image_bytes("JPEG", size, exif=exif.tobytes())


def bomb_png(side: int = 20000) -> bytes:
    """A small file (a 1-bit PNG compresses to almost nothing) claiming side x side pixels."""
    return image_bytes("PNG", (side, side), mode="1", color=0)


def metadata_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        return {"format": image.format, "size": image.size, "exif": dict(image.getexif()),
                "info": {k: v for k, v in image.info.items() if k in ("exif", "icc_profile", "xmp")}}


@pytest.fixture
def media_folder(apps, tmp_path):
    """socweb's media in a folder of this test's own."""
    app = apps["socweb"]
    app.config["AXA_MEDIA"] = dataclasses.replace(app.config["AXA_MEDIA"],
                                                  storage_url=f"file://{tmp_path / 'media'}")
    return tmp_path / "media"


def multipart(data: bytes, name: str = "photo.png", description: str | None = None,
              content_type: str = "image/png") -> tuple[bytes, str]:
    """The body and Content-Type of an upload, encoded in memory (the test client spools a large
    form to a temporary file it never closes)."""
    form = {"file": FileStorage(io.BytesIO(data), name, content_type=content_type)}
    if description is not None:
        form["description"] = description
    boundary, body = encode_multipart(form)
    return body, f"multipart/form-data; boundary={boundary}"


def upload(client, headers, data: bytes, name: str = "photo.png", description: str | None = None,
           content_type: str = "image/png"):
    body, form_type = multipart(data, name, description, content_type)
    return client.post("/api/v1/media", data=body, headers=headers, content_type=form_type)
