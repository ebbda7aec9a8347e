"""Object storage: one interface, two backends chosen by URL (DESIGN.md §2).

  file://<folder>                             the embedded default: files under a folder; the app
                                              that owns the objects serves them (``url`` is None)
  s3://<bucket>?endpoint=<url>&public=0|1     S3 or MinIO through boto3; ``public=1``: plain object
                                              URLs (the bucket is public-read), else pre-signed GETs;
                                              ``&url_endpoint=<url>``: the address clients reach the
                                              bucket at, when it is not ``endpoint`` (a compose network)

Keys are made by the caller, never by a client (``originals/<sha256>``, …). Every backend
answers a storage it cannot reach with ``StorageUnavailable`` (the API's 503) and a missing
object with ``KeyError``. Writes are whole objects: a reader never sees half of one.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import boto3
from boto3.exceptions import S3UploadFailedError
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

KEY = re.compile(r"^[a-z]+(/[A-Za-z0-9_.-]+)+$")  # what callers may name: no "..", no absolute path
MISSING = {"NoSuchKey", "404", "NotFound"}


class StorageUnavailable(RuntimeError):
    """The storage did not answer (down, refusing, timing out): try again later."""


def check_key(key: str) -> str:
    if not KEY.match(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class FolderStorage:
    def __init__(self, root: str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            raise StorageUnavailable(f"media folder: {exc}") from exc

    def put_file(self, key: str, source: str | os.PathLike, content_type: str) -> None:
        """A file's content under ``key``, copied whole (a large file never sits in memory)."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out, open(source, "rb") as data:
                shutil.copyfileobj(data, out, 1024 * 1024)
            os.replace(tmp, path)
        except OSError as exc:
            raise StorageUnavailable(f"media folder: {exc}") from exc

    def local_path(self, key: str) -> Path:
        """Where the object of ``key`` lies (for the app serving it, with byte ranges)."""
        return self._path(key)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None
        except OSError as exc:
            raise StorageUnavailable(f"media folder: {exc}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def url(self, key: str) -> str | None:
        return None  # served by the app


class S3Storage:
    def __init__(self, url: str, access_key: str = "", secret_key: str = "", region: str = "us-east-1",
                 url_seconds: int = 3600):
        parts = urlsplit(url)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        self.bucket, self.endpoint = parts.netloc, query.get("endpoint") or None
        self.public = query.get("public", "0") in ("1", "true", "yes")
        self.url_endpoint = query.get("url_endpoint") or self.endpoint
        self.url_seconds = url_seconds
        credentials = ({"aws_access_key_id": access_key, "aws_secret_access_key": secret_key}
                       if access_key else {})
        config = Config(signature_version="s3v4", connect_timeout=2, read_timeout=10,
                        retries={"max_attempts": 2, "mode": "standard"}, s3={"addressing_style": "path"})
        session = boto3.session.Session()
        self.client = session.client("s3", endpoint_url=self.endpoint, region_name=region, config=config,
                                     **credentials)
        self.signer = self.client if self.url_endpoint == self.endpoint else session.client(
            "s3", endpoint_url=self.url_endpoint, region_name=region, config=config, **credentials)

    def _call(self, method: str, **params):
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **params)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in MISSING:
                raise KeyError(params.get("Key")) from None
            raise StorageUnavailable(f"S3 {method}: {code}") from exc
        except BotoCoreError as exc:  # connection refused, timeouts, endpoint errors
            raise StorageUnavailable(f"S3 {method}: {type(exc).__name__}") from exc

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._call("put_object", Key=check_key(key), Body=data, ContentType=content_type,
                   ContentDisposition="inline", CacheControl="public, max-age=31536000, immutable")

    def put_file(self, key: str, source: str | os.PathLike, content_type: str) -> None:
        """A file's content under ``key``, streamed (multipart when large)."""
        try:
            self.client.upload_file(str(source), self.bucket, check_key(key), ExtraArgs={
                "ContentType": content_type, "ContentDisposition": "inline",
                "CacheControl": "public, max-age=31536000, immutable"})
        except (ClientError, BotoCoreError, S3UploadFailedError) as exc:
            raise StorageUnavailable(f"S3 upload_file: {type(exc).__name__}") from exc

    def get(self, key: str) -> bytes:
        return self._call("get_object", Key=check_key(key))["Body"].read()

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Key=check_key(key))
        except KeyError:
            return False
        return True

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=check_key(key))

    def url(self, key: str) -> str:
        if self.public:
            base = self.url_endpoint or f"https://s3.{self.client.meta.region_name}.amazonaws.com"
            return f"{base.rstrip('/')}/{self.bucket}/{quote(key)}"
        return self.signer.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=self.url_seconds)


@functools.cache
def storage_for(url: str, access_key: str = "", secret_key: str = "", region: str = "us-east-1",
                url_seconds: int = 3600) -> FolderStorage | S3Storage:
    """The backend ``url`` names, one per process and set of settings (a boto3 client is
    thread-safe and slow to make)."""
    if url.startswith("file://"):
        return FolderStorage(url.removeprefix("file://"))
    if url.startswith("s3://"):
        return S3Storage(url, access_key, secret_key, region, url_seconds)
    raise ValueError(f"unsupported storage URL scheme: {url.split(':', 1)[0]}")
