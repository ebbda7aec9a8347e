"""Settings of the stream subsystem's recordings (issue 11 item 9): where nginx-rtmp writes them,
where the VODs are kept, the tools that make them; read through axa/platform/config.py.

``init_app`` of the stream blueprints puts them on the app as ``config["AXA_VOD"]``; tests replace
that value to move the folders or the storage.

``AXA_VOD_STORAGE_URL`` chooses the storage backend (axa/platform/storage.py), as socweb's media:
``file://var/vods`` (served by the stream app at /api/v1/vod-files/...) or
``s3://bucket?endpoint=...&public=0|1`` (the bucket's own URLs, pre-signed unless public).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from axa.platform.config import read_settings, var

RETENTION_MAX = 3650


@dataclass(frozen=True)
class VodSettings:
    # nginx-rtmp's record_path: the hook accepts only files in it; shared by the media server and the
    # stream.vod workers (one machine, or one volume)
    recordings_dir: str = var("AXA_VOD_RECORDINGS_DIR", "var/nginx-rtmp/recordings")
    storage_url: str = var("AXA_VOD_STORAGE_URL", "file://var/vods")
    s3_access_key: str = var("AXA_VOD_S3_ACCESS_KEY", "")  # empty: boto3's own credential chain
    s3_secret_key: str = var("AXA_VOD_S3_SECRET_KEY", "")
    s3_region: str = var("AXA_VOD_S3_REGION", "us-east-1")
    url_seconds: int = var("AXA_VOD_URL_SECONDS", 3600)  # lifetime of a pre-signed URL (public=0)
    retention_days: int = var("AXA_VOD_RETENTION_DAYS", 30)  # a channel's default retention
    ffmpeg: str = var("AXA_VOD_FFMPEG", "ffmpeg")
    ffprobe: str = var("AXA_VOD_FFPROBE", "ffprobe")
    tool_seconds: int = var("AXA_VOD_TOOL_SECONDS", 600)  # one ffmpeg run at most (remux of a long stream)


def load_vod_settings(env: Mapping[str, str] | None = None) -> VodSettings:
    return read_settings(VodSettings, env)
