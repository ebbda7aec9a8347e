"""The S3 / MinIO backend of axa/platform/storage.py (``s3://<bucket>?endpoint=<url>&public=0|1``),
through boto3. A module of its own so that only a process whose storage URL names a bucket
imports boto3 (about 10 MiB a process)."""
from __future__ import annotations

import os
from urllib.parse import parse_qs, quote, urlsplit

import boto3
from boto3.exceptions import S3UploadFailedError
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from axa.platform.storage import StorageUnavailable, check_key

MISSING = {"NoSuchKey", "404", "NotFound"}


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
