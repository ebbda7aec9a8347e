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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from axa.platform.storage_s3 import S3Storage

KEY = re.compile(r"^[a-z]+(/[A-Za-z0-9_.-]+)+$")  # what callers may name: no "..", no absolute path


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


@functools.cache
def storage_for(url: str, access_key: str = "", secret_key: str = "", region: str = "us-east-1",
                url_seconds: int = 3600) -> FolderStorage | S3Storage:
    """The backend ``url`` names, one per process and set of settings (a boto3 client is
    thread-safe and slow to make)."""
    if url.startswith("file://"):
        return FolderStorage(url.removeprefix("file://"))
    if url.startswith("s3://"):  # boto3 is imported only by a process that names a bucket (~10 MiB)
        from axa.platform.storage_s3 import S3Storage
        return S3Storage(url, access_key, secret_key, region, url_seconds)
    raise ValueError(f"unsupported storage URL scheme: {url.split(':', 1)[0]}")
