"""VODs on the S3 backend, against moto's S3-compatible server over HTTP: the MP4 and thumbnail land
in the bucket, the API hands out pre-signed URLs a plain HTTP client plays, the owner's delete
empties the bucket; with the server down the graph retries, then fails the VOD
``storage_unavailable`` and keeps the recording."""
from __future__ import annotations

import subprocess
import urllib.request
import uuid

import pytest
from celery.exceptions import Retry

from axa.models.stream import db
from axa.models.stream import live as state
from axa.tasks.stream import vod as vod_tasks
from tests.blueprints.stream.helpers import new_channel, signed_in
from tests.blueprints.stream.vod_support import NEEDS_FFMPEG, recording, use_vods
from tests.platform.s3_server import CREDENTIALS, down_endpoint, s3_server  # noqa: F401

pytestmark = NEEDS_FFMPEG
VODS = "/api/v1/channels/ada-live/vods"
T0 = 1_800_000_000


def on_storage(clients, tmp_path, url: str) -> dict:
    stream = clients["stream"]
    headers = signed_in(clients, "ada@example.com")
    channel = new_channel(stream, headers)
    stream.put("/api/v1/channels/ada-live/recording", headers=headers, json={"recording": True, "retention_days": 3})
    folders = use_vods(stream.application, tmp_path, storage_url=url,
                       s3_access_key=CREDENTIALS["aws_access_key_id"],
                       s3_secret_key=CREDENTIALS["aws_secret_access_key"])
    with stream.application.app_context():
        state.published(channel["id"], state.at(T0), 30.0)
        db.session.commit()
    return {"stream": stream, "headers": headers, **folders}


def hand_over(ada, epoch: int):
    source = recording(ada["recordings"], "ada-live", epoch)
    answer = ada["stream"].post("/internal/ingest/nginx/record-done", data={"name": "ada-live", "path": str(source)})
    assert answer.status_code == 204
    return source


def test_a_vod_is_stored_in_the_bucket_and_played_from_a_pre_signed_url(clients, tmp_path, s3_server):  # noqa: F811
    bucket = s3_server.bucket(f"vods-{uuid.uuid4().hex[:12]}")
    ada = on_storage(clients, tmp_path, s3_server.url(bucket))
    hand_over(ada, T0 + 1)
    [vod] = ada["stream"].get(VODS).get_json()
    assert vod["state"] == "ready", vod
    objects = s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(o["Key"].rsplit(".", 1)[1] for o in objects) == ["jpg", "mp4"]
    assert "X-Amz-Signature=" in vod["playback_url"]
    with urllib.request.urlopen(vod["playback_url"], timeout=5) as answer:
        assert answer.headers["Content-Type"] == "video/mp4"
        mp4 = answer.read()
    assert len(mp4) == vod["size_bytes"]
    played = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                             vod["playback_url"]], capture_output=True, timeout=30, check=True)
    assert abs(float(played.stdout) - 2.0) < 0.2  # ffprobe reads it over HTTP
    with urllib.request.urlopen(vod["thumbnail_url"], timeout=5) as answer:
        assert answer.read()[:2] == b"\xff\xd8"
    assert ada["stream"].delete(f"{VODS}/{vod['id']}", headers=ada["headers"]).status_code == 204
    assert s3_server.client().list_objects_v2(Bucket=bucket).get("Contents", []) == []


def test_with_the_storage_down_the_vod_is_retried_then_failed_and_the_recording_stays(
        clients, tmp_path, down_endpoint, monkeypatch):  # noqa: F811
    ada = on_storage(clients, tmp_path, f"s3://vods?endpoint={down_endpoint}")
    source = recording(ada["recordings"], "ada-live", T0 + 1)
    with ada["stream"].application.app_context():
        vod_id = vod_tasks.register_recording("ada-live", str(source))
        with pytest.raises(Retry):  # the worker tries again later, with backoff
            vod_tasks.process_recording.apply((vod_id,))
        monkeypatch.setattr(vod_tasks, "STORAGE_TRIES", 0)  # the last try
        assert vod_tasks.process_recording(vod_id) == "failed"
    [vod] = ada["stream"].get(VODS, headers=ada["headers"]).get_json()
    assert (vod["state"], vod["reason"]) == ("failed", "storage_unavailable")
    assert source.exists()  # kept for the operator to hand over again
    assert ada["stream"].delete(f"{VODS}/{vod['id']}", headers=ada["headers"]).status_code == 204  # no objects
