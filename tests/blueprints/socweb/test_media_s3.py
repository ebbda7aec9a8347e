"""Uploads on the S3 backend, against moto's S3-compatible server over HTTP: the original and the
derivatives land in the bucket, the API hands out pre-signed URLs a plain HTTP client fetches;
with the server down an upload is a clear 503 and leaves nothing behind (no row, no outbox entry)."""
from __future__ import annotations

import dataclasses
import urllib.request
import uuid

import pytest
from sqlalchemy import func, select

from axa.models.socweb import Media, OutboxEntry, db
from tests.blueprints.socweb.media_support import exif_jpeg, metadata_of, upload
from tests.platform.s3_server import CREDENTIALS, down_endpoint, s3_server  # noqa: F401


def use_storage(app, url: str) -> None:
    app.config["AXA_MEDIA"] = dataclasses.replace(
        app.config["AXA_MEDIA"], storage_url=url, s3_access_key=CREDENTIALS["aws_access_key_id"],
        s3_secret_key=CREDENTIALS["aws_secret_access_key"])


@pytest.fixture
def bucket(apps, s3_server):  # noqa: F811
    name = s3_server.bucket(f"media-{uuid.uuid4().hex[:12]}")
    use_storage(apps["socweb"], s3_server.url(name))
    return name


def test_an_upload_is_processed_through_the_bucket_and_served_by_pre_signed_urls(
        socweb, socweb_user, s3_server, bucket):  # noqa: F811
    sent = upload(socweb, socweb_user.headers, exif_jpeg((900, 300), orientation=1), content_type="image/jpeg")
    assert sent.status_code == 202, sent.get_json()
    media = socweb.get(f"/api/v1/media/{sent.get_json()['id']}", headers=socweb_user.headers).get_json()
    assert media["state"] == "ready", media
    keys = sorted(o["Key"] for o in s3_server.client().list_objects_v2(Bucket=bucket)["Contents"])
    assert [k.split("/")[0] for k in keys] == ["derivatives", "derivatives", "originals"]
    for name, width in (("small", 400), ("large", 900)):
        assert "X-Amz-Signature=" in media[name]["url"]
        with urllib.request.urlopen(media[name]["url"], timeout=5) as answer:
            seen = metadata_of(answer.read())
        assert (seen["format"], seen["size"][0], seen["exif"]) == ("WEBP", width, {})


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_with_the_server_down_an_upload_is_503_and_keeps_nothing(apps, socweb, socweb_user, down_endpoint):  # noqa: F811
    app = apps["socweb"]
    use_storage(app, f"s3://media?endpoint={down_endpoint}")
    refused = upload(socweb, socweb_user.headers, exif_jpeg())
    assert refused.status_code == 503, refused.get_json()
    assert refused.get_json()["code"] == 503 and refused.headers["Retry-After"]
    assert (count(app, Media), count(app, OutboxEntry)) == (0, 0)


def test_a_post_with_ready_images_is_made_while_the_server_is_down(apps, socweb, socweb_user, bucket,
                                                                   down_endpoint):  # noqa: F811
    app = apps["socweb"]
    media_id = upload(socweb, socweb_user.headers, exif_jpeg()).get_json()["id"]
    use_storage(app, f"s3://{bucket}?endpoint={down_endpoint}")
    created = socweb.post("/api/v1/posts", json={"body": "x", "media_ids": [media_id]}, headers=socweb_user.headers)
    assert created.status_code == 201  # URLs are signed locally: reads never wait on the bucket
    assert [m["id"] for m in created.get_json()["media"]] == [media_id]
