"""The files of the VODs: recordings the media server hands over, and the MP4 and thumbnail kept in
the storage (axa/platform/storage.py, AXA_VOD_STORAGE_URL) under ``vods/<channel>/<vod>.mp4|.jpg``.

A recording is accepted only as a plain ``.flv`` file directly inside AXA_VOD_RECORDINGS_DIR (a
forged or mistaken hook cannot make the worker read, store or delete anything else). nginx-rtmp
names it ``<slug>-<epoch>.flv`` (``record_unique``): the epoch is when it started.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app, url_for

from axa.models.stream.vod_settings import VodSettings
from axa.models.stream.vods import SOURCE_MAX, Vod
from axa.platform import video
from axa.platform.storage import FolderStorage, storage_for

if TYPE_CHECKING:
    from axa.platform.storage_s3 import S3Storage

RECORDING_NAME = re.compile(r"^([a-z0-9-]{3,40})-(\d{9,11})\.flv$")
VIDEO_TYPE, THUMBNAIL_TYPE = "video/mp4", "image/jpeg"
FILE_ENDPOINTS = {"mp4": "vods.VodFile", "jpg": "vods.VodThumbnail"}  # folder storage


def settings() -> VodSettings:
    return current_app.config["AXA_VOD"]


def settings_dir() -> Path:
    return Path(settings().recordings_dir).resolve()


def storage() -> FolderStorage | S3Storage:
    s = settings()
    return storage_for(s.storage_url, s.s3_access_key, s.s3_secret_key, s.s3_region, s.url_seconds)


def recording(path: str) -> Path | None:
    """The recording at ``path`` if it is one the media server wrote: a regular ``.flv`` file,
    named as nginx-rtmp names them, directly in the recordings folder; else None."""
    if not path or len(path) > 1000 or "\x00" in path:
        return None
    folder, given = settings_dir(), Path(path)
    candidate = (given if given.is_absolute() else folder / given).resolve()
    name = candidate.name
    if candidate.parent != folder or len(name) > SOURCE_MAX or not RECORDING_NAME.match(name):
        return None
    return candidate if candidate.is_file() else None


def slug_of(name: str) -> str | None:
    found = RECORDING_NAME.match(name)
    return found.group(1) if found else None


def started_at(source: Path) -> datetime:
    found = RECORDING_NAME.match(source.name)
    return datetime.fromtimestamp(int(found.group(2)), UTC)


@dataclass(frozen=True)
class Made:
    video: Path
    thumbnail: Path
    duration: float
    size: int


def make(source: Path, work: Path) -> Made:
    """The MP4 and thumbnail of a recording, made in the folder ``work``."""
    s = settings()
    mp4, jpg = work / "vod.mp4", work / "thumbnail.jpg"
    video.remux(source, mp4, s.ffmpeg, s.tool_seconds)
    duration = video.duration(mp4, s.ffprobe)
    video.thumbnail(mp4, jpg, min(1.0, duration / 2), s.ffmpeg)
    return Made(mp4, jpg, duration, mp4.stat().st_size)


def keys(vod: Vod) -> tuple[str, str]:
    base = f"vods/{vod.channel_id or 0}/{vod.id}"
    return f"{base}.mp4", f"{base}.jpg"


def store(keys: tuple[str, str], made: Made) -> None:
    video_key, thumbnail_key = keys
    storage().put_file(video_key, made.video, VIDEO_TYPE)
    storage().put_file(thumbnail_key, made.thumbnail, THUMBNAIL_TYPE)


def delete(vod: Vod) -> None:
    """The VOD's stored objects and any recording left of it (StorageUnavailable: try later)."""
    for key in vod.keys():
        storage().delete(key)
    leftover = settings_dir() / vod.source
    if RECORDING_NAME.match(vod.source):
        leftover.unlink(missing_ok=True)


def url_of(key: str | None) -> str | None:
    """Where a client fetches an object: the bucket's URL, or this app's file route (folder)."""
    if key is None:
        return None
    served = storage().url(key)
    if served is not None:
        return served
    channel, name = key.split("/")[1:]
    vod_id, ext = name.split(".")
    return url_for(FILE_ENDPOINTS[ext], channel_id=int(channel), vod_id=int(vod_id), _external=True)
