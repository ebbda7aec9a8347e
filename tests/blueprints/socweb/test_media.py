"""POST /api/v1/media and GET /api/v1/media/{id} with the processing graph run eagerly: real
PNG, JPEG, WebP and GIF images become ready with small and large WebP derivatives and no
metadata; what is not an image, a decompression bomb and a truncated image end failed with a
reason; an oversize body is 413; identical bytes are stored once."""
from __future__ import annotations

import dataclasses
import io
import os

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from axa.models.socweb import Media, OutboxEntry, db
from tests.blueprints.socweb.media_support import (
    ORIENTATION,
    bomb_png,
    exif_jpeg,
    image_bytes,
    media_folder,  # noqa: F401
    metadata_of,
    upload,
)

pytestmark = pytest.mark.usefixtures("media_folder")


def fetch(socweb, url: str) -> bytes:
    with socweb.get(url.removeprefix("http://localhost")) as got:
        assert got.status_code == 200, url
        assert got.headers["Content-Type"] == "image/webp"
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        return got.data


@pytest.mark.parametrize("fmt, options", [("PNG", {}), ("JPEG", {}), ("WEBP", {}), ("GIF", {}),
                                          ("PNG", {"mode": "RGBA", "color": (0, 0, 0, 0)})])
def test_a_real_image_becomes_ready_with_small_and_large_derivatives(socweb, socweb_user, fmt, options):
    data = image_bytes(fmt, (2400, 1200), **options)
    sent = upload(socweb, socweb_user.headers, data, name="x.bin", description="A red field")
    assert sent.status_code == 202, sent.get_json()
    media = socweb.get(f"/api/v1/media/{sent.get_json()['id']}", headers=socweb_user.headers).get_json()
    assert media["state"] == "ready" and media["reason"] is None
    assert (media["type"], media["width"], media["height"], media["size"]) == (
        f"image/{fmt.lower()}", 2400, 1200, len(data))
    assert media["description"] == "A red field"
    assert (media["small"]["width"], media["small"]["height"]) == (400, 200)
    assert (media["large"]["width"], media["large"]["height"]) == (1600, 800)
    for name, width in (("small", 400), ("large", 1600)):
        seen = metadata_of(fetch(socweb, media[name]["url"]))
        assert (seen["format"], seen["size"][0]) == ("WEBP", width)


def test_exif_is_gone_from_the_derivatives_after_the_orientation_is_applied(socweb, socweb_user):
    data = exif_jpeg((120, 60), orientation=6)
    assert metadata_of(data)["exif"][ORIENTATION] == 6
    sent = upload(socweb, socweb_user.headers, data, name="cam.jpg", content_type="image/jpeg")
    media = socweb.get(f"/api/v1/media/{sent.get_json()['id']}", headers=socweb_user.headers).get_json()
    assert media["state"] == "ready"
    for name in ("small", "large"):
        seen = metadata_of(fetch(socweb, media[name]["url"]))
        assert seen["exif"] == {} and seen["info"] == {}
        assert seen["size"] == (60, 120)  # turned upright, never enlarged


@pytest.mark.parametrize("data, reason", [
    (b"MZ\x90\x00 this is a PE file, not an image" * 20, "unsupported_type"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "unsupported_type"),
    (image_bytes("BMP"), "unsupported_type"),  # a real image, of a type not allowed
    (b"", "empty"),
    (bomb_png(), "too_many_pixels"),
    (image_bytes("JPEG", (800, 600))[:2000], "truncated"),
])
def test_what_is_not_an_allowed_image_ends_failed_with_a_reason(socweb, socweb_user, data, reason):
    sent = upload(socweb, socweb_user.headers, data, name="innocent.png", content_type="image/png")
    assert sent.status_code == 202, sent.get_json()
    media = socweb.get(f"/api/v1/media/{sent.get_json()['id']}", headers=socweb_user.headers).get_json()
    assert (media["state"], media["reason"], media["small"], media["large"]) == ("failed", reason, None, None)


def test_a_bomb_is_refused_from_its_header_within_the_configured_pixel_limit(apps, socweb, socweb_user):
    app = apps["socweb"]
    app.config["AXA_MEDIA"] = dataclasses.replace(app.config["AXA_MEDIA"], max_pixels=100 * 100)
    sent = upload(socweb, socweb_user.headers, image_bytes("PNG", (101, 100)))
    media = socweb.get(f"/api/v1/media/{sent.get_json()['id']}", headers=socweb_user.headers).get_json()
    assert (media["state"], media["reason"], media["width"]) == ("failed", "too_many_pixels", None)


def test_an_oversize_body_is_413_in_json_and_keeps_nothing(apps, socweb, socweb_user):
    app = apps["socweb"]
    app.config["AXA_MEDIA"] = dataclasses.replace(app.config["AXA_MEDIA"], max_bytes=2_000_000)
    too_big = upload(socweb, socweb_user.headers, b"\xff" * 2_500_000)
    assert too_big.status_code == 413 and too_big.get_json()["code"] == 413
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert 1024 * 1024 < len(out.getvalue()) < 2_000_000  # over the app's usual body limit, under the upload's
    fits = upload(socweb, socweb_user.headers, out.getvalue())
    assert fits.status_code == 202
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Media)) == 1


def test_bad_forms_are_422_never_500(socweb, socweb_user):
    no_file = socweb.post("/api/v1/media", data={"description": "x"}, headers=socweb_user.headers,
                          content_type="multipart/form-data")
    as_text = socweb.post("/api/v1/media", data={"file": "not a file"}, headers=socweb_user.headers,
                          content_type="multipart/form-data")
    as_json = socweb.post("/api/v1/media", json={"file": "x"}, headers=socweb_user.headers)
    long_text = upload(socweb, socweb_user.headers, image_bytes(), description="x" * 1501)
    boundary, body = encode_multipart(MultiDict([
        ("file", FileStorage(io.BytesIO(image_bytes()), "a.png")), ("description", "one"), ("description", "two")]))
    repeated = socweb.post("/api/v1/media", data=body, headers=socweb_user.headers,
                           content_type=f"multipart/form-data; boundary={boundary}")
    for answer in (no_file, as_text, as_json, long_text, repeated):
        assert answer.status_code == 422, answer.get_json()
    assert socweb.post("/api/v1/media", data={}).status_code == 401


def test_identical_bytes_are_one_row_per_user_and_one_stored_object(apps, socweb, socweb_users, media_folder):  # noqa: F811
    ada, bob = socweb_users("ada", "bob")
    data = image_bytes("PNG", (500, 500))
    first = upload(socweb, ada.headers, data, description="first").get_json()
    again = upload(socweb, ada.headers, data, description="second").get_json()
    other = upload(socweb, bob.headers, data).get_json()
    assert again["id"] == first["id"] and again["description"] == "second"
    assert other["id"] != first["id"]
    assert socweb.get(f"/api/v1/media/{other['id']}", headers=bob.headers).get_json()["state"] == "ready"
    assert len(list((media_folder / "originals").iterdir())) == 1
    assert sorted(p.name for p in (media_folder / "derivatives").rglob("*.webp")) == ["large.webp", "small.webp"]
    with apps["socweb"].app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxEntry)
                                 .where(OutboxEntry.topic == "media.uploaded")) == 2
    assert socweb.get(f"/api/v1/media/{first['id']}", headers=bob.headers).status_code == 404


def test_uploads_are_rate_limited_per_user(apps, socweb, socweb_user):
    app = apps["socweb"]
    app.config["AXA_MEDIA"] = dataclasses.replace(app.config["AXA_MEDIA"], upload_limits="2 per minute")
    answers = [upload(socweb, socweb_user.headers, image_bytes(color=(n, 0, 0))).status_code for n in range(3)]
    assert answers == [202, 202, 429]


def test_files_route_answers_404_for_what_it_does_not_hold(socweb):
    assert socweb.get(f"/api/v1/media/files/{'0' * 64}/small.webp").status_code == 404
    assert socweb.get("/api/v1/media/files/../../etc/passwd").status_code == 404
    assert socweb.get(f"/api/v1/media/files/{'0' * 64}/original.webp").status_code == 404
    for odd in ("." * 64, "%00" * 21 + "a", "é" * 64, "A" * 64):
        assert socweb.get(f"/api/v1/media/files/{odd}/small.webp").status_code == 404, odd
