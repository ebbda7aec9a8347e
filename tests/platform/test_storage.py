"""axa/platform/storage.py: the folder and the S3 backends answer alike (put, get, exists, delete,
a missing object is KeyError), the S3 one against moto's server over HTTP, with public and
pre-signed URLs a plain HTTP client can fetch; a storage that does not answer is
StorageUnavailable, quickly."""
from __future__ import annotations

import time
import urllib.request
import uuid

import pytest

from axa.platform.storage import FolderStorage, StorageUnavailable, check_key, storage_for
from axa.platform.storage_s3 import S3Storage
from tests.platform.s3_server import CREDENTIALS, down_endpoint, s3_server  # noqa: F401


def s3(url: str) -> S3Storage:
    return S3Storage(url, CREDENTIALS["aws_access_key_id"], CREDENTIALS["aws_secret_access_key"])


@pytest.fixture(params=["folder", "s3"])
def backend(request, tmp_path):
    if request.param == "folder":
        return FolderStorage(str(tmp_path))
    server = request.getfixturevalue("s3_server")
    return s3(server.url(server.bucket(f"b-{uuid.uuid4().hex[:12]}")))


def test_every_backend_keeps_whole_objects_by_key(backend):
    key = "derivatives/abc/small.webp"
    assert not backend.exists(key)
    with pytest.raises(KeyError):
        backend.get(key)
    backend.put(key, b"one", "image/webp")
    backend.put(key, b"two", "image/webp")  # a redelivered task writes it again
    assert backend.exists(key) and backend.get(key) == b"two"
    backend.delete(key)
    backend.delete(key)  # deleting what is gone is fine
    assert not backend.exists(key)


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs/path", "originals/../x", "", "a"])
def test_keys_are_checked(key):
    with pytest.raises(ValueError):
        check_key(key)


def test_s3_urls_are_public_or_pre_signed_by_configuration(s3_server):  # noqa: F811
    bucket = s3_server.bucket(f"b-{uuid.uuid4().hex[:12]}", public_read=True)
    signed, public = s3(s3_server.url(bucket)), s3(s3_server.url(bucket, public=True))
    signed.put("derivatives/k/large.webp", b"RIFF....WEBP", "image/webp")
    assert public.url("derivatives/k/large.webp") == f"{s3_server.endpoint}/{bucket}/derivatives/k/large.webp"
    assert "X-Amz-Signature=" in signed.url("derivatives/k/large.webp")
    for url in (signed.url("derivatives/k/large.webp"), public.url("derivatives/k/large.webp")):
        with urllib.request.urlopen(url, timeout=5) as answer:
            assert answer.read() == b"RIFF....WEBP"
            assert answer.headers["Content-Type"] == "image/webp"


def test_urls_may_name_the_address_clients_reach_the_bucket_at():
    inside = "s3://media?endpoint=http://minio:9000&public={}&url_endpoint=https://files.example"
    assert s3(inside.format(1)).url("derivatives/a/small.webp") == \
        "https://files.example/media/derivatives/a/small.webp"
    assert s3(inside.format(0)).url("derivatives/a/small.webp").startswith(
        "https://files.example/media/derivatives/a/small.webp?X-Amz-Algorithm=")


def test_an_s3_server_that_is_down_is_storage_unavailable_quickly(down_endpoint):  # noqa: F811
    storage = s3(f"s3://media?endpoint={down_endpoint}")
    started = time.monotonic()
    for call in (lambda: storage.put("originals/x", b"x", "application/octet-stream"),
                 lambda: storage.get("originals/x"), lambda: storage.exists("originals/x")):
        with pytest.raises(StorageUnavailable):
            call()
    assert time.monotonic() - started < 10


def test_a_missing_bucket_is_unavailable_not_missing(s3_server):  # noqa: F811
    with pytest.raises(StorageUnavailable):
        s3(s3_server.url("no-such-bucket")).put("originals/x", b"x", "application/octet-stream")


def test_the_url_names_the_backend(tmp_path):
    assert isinstance(storage_for(f"file://{tmp_path}"), FolderStorage)
    assert isinstance(storage_for("s3://bucket?endpoint=http://127.0.0.1:9"), S3Storage)
    with pytest.raises(ValueError):
        storage_for("ftp://host/dir")
