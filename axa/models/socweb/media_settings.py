"""Settings of socweb's images (axa/models/socweb/media.py, the media endpoints and the
``socweb.media`` tasks), declared with ``var`` and read through axa/platform/config.py.

``AXA_MEDIA_STORAGE_URL`` chooses the storage backend (axa/platform/storage.py):

  file://var/media                                    a folder (relative to the working directory),
                                                      served by the socweb app at /media/files/...
  s3://bucket?endpoint=http://host:9000&public=0      S3 or MinIO through boto3; public=1: plain
                                                      object URLs (a public-read bucket), public=0:
                                                      pre-signed URLs valid AXA_MEDIA_URL_SECONDS
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from axa.platform.config import read_settings, var


@dataclass(frozen=True)
class MediaSettings:
    storage_url: str = var("AXA_MEDIA_STORAGE_URL", "file://var/media")
    s3_access_key: str = var("AXA_MEDIA_S3_ACCESS_KEY", "")  # empty: boto3's own credential chain
    s3_secret_key: str = var("AXA_MEDIA_S3_SECRET_KEY", "")
    s3_region: str = var("AXA_MEDIA_S3_REGION", "us-east-1")
    url_seconds: int = var("AXA_MEDIA_URL_SECONDS", 3600)  # lifetime of a pre-signed URL (public=0)
    max_bytes: int = var("AXA_MEDIA_MAX_BYTES", 16 * 1024 * 1024)  # one upload's body; more: 413
    max_pixels: int = var("AXA_MEDIA_MAX_PIXELS", 40_000_000)  # width x height; more: failed
    small_px: int = var("AXA_MEDIA_SMALL_PX", 400)  # longest side of the small derivative
    large_px: int = var("AXA_MEDIA_LARGE_PX", 1600)  # longest side of the large derivative
    orphan_hours: int = var("AXA_MEDIA_ORPHAN_HOURS", 24)  # never attached this long: swept
    upload_limits: str = var("AXA_MEDIA_UPLOAD_LIMITS", "30 per minute;300 per day")  # per user


def load_media_settings(env: Mapping[str, str] | None = None) -> MediaSettings:
    return read_settings(MediaSettings, env)
