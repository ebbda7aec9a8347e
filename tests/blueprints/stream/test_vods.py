"""Recordings on the stream app's API (issue 11 item 9), Celery eager, folder storage: the owner
turns recording on; nginx-rtmp's on_record_done hands a recording over and the channel lists a
ready VOD with its duration, size, thumbnail and playback URL (served here with byte ranges); the
owner alone sees VODs still processing or failed, and deletes one (files and row)."""
from __future__ import annotations

import pytest

from axa.models.stream import db
from axa.models.stream import live as state
from tests.blueprints.stream.helpers import new_channel, signed_in
from tests.blueprints.stream.vod_support import NEEDS_FFMPEG, recording, stored, use_vods

pytestmark = NEEDS_FFMPEG
NGINX = "/internal/ingest/nginx"
SETTING = "/api/v1/channels/ada-live/recording"
VODS = "/api/v1/channels/ada-live/vods"
T0 = 1_800_000_000


@pytest.fixture
def ada(clients, tmp_path):
    stream = clients["stream"]
    headers = signed_in(clients, "ada@example.com")
    channel = new_channel(stream, headers)
    folders = use_vods(stream.application, tmp_path)
    with stream.application.app_context():
        state.published(channel["id"], state.at(T0), 30.0)
        db.session.commit()
    return {"stream": stream, "headers": headers, "channel": channel, **folders,
            "bob": signed_in(clients, "bob@example.com")}


def record_done(stream, path, name="ada-live"):
    return stream.post(f"{NGINX}/record-done", data={"call": "record_done", "app": "hls", "name": name,
                                                     "path": str(path), "recorder": ""})


def fetch(stream, url: str, **kwargs):
    """A file response, read and closed (send_file keeps the file open until then)."""
    response = stream.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def test_the_owner_sets_recording_and_anyone_reads_it(ada):
    stream, headers = ada["stream"], ada["headers"]
    assert stream.get(SETTING).get_json() == {"recording": False, "retention_days": 30}
    on = stream.put(SETTING, headers=headers, json={"recording": True, "retention_days": 14})
    assert on.status_code == 200 and stream.get(SETTING).get_json() == {"recording": True, "retention_days": 14}
    other = stream.put(SETTING, headers=ada["bob"], json={"recording": False, "retention_days": 1})
    assert other.status_code == 403 and other.get_json()["reason"] == "not_owner"
    assert stream.put(SETTING, json={"recording": False, "retention_days": 1}).status_code == 401
    for bad in ({"recording": True}, {"recording": True, "retention_days": 0},
                {"recording": "yes please", "retention_days": 3}, {"recording": True, "retention_days": 4000}):
        assert stream.put(SETTING, headers=headers, json=bad).status_code == 422, bad
    assert stream.get("/api/v1/channels/nobody-here/recording").status_code == 404
    assert stream.get(SETTING).get_json()["retention_days"] == 14


def test_a_recording_handed_over_is_listed_as_a_ready_vod_and_plays(ada):
    stream, headers = ada["stream"], ada["headers"]
    stream.put(SETTING, headers=headers, json={"recording": True, "retention_days": 7})
    assert record_done(stream, recording(ada["recordings"], "ada-live", T0 + 1)).status_code == 204
    [vod] = stream.get(VODS).get_json()
    assert (vod["state"], vod["channel"], vod["part"], vod["reason"]) == ("ready", "ada-live", 1, None)
    assert 1900 <= vod["duration_ms"] <= 2200 and vod["size_bytes"] > 10_000
    assert vod["recorded_at"] == "2027-01-15T08:00:01.000Z" and vod["expires_at"] == "2027-01-22T08:00:01.000Z"
    assert stream.get(f"{VODS}/{vod['id']}").get_json() == vod
    video = fetch(stream, vod["playback_url"])
    assert video.status_code == 200 and video.mimetype == "video/mp4" and len(video.data) == vod["size_bytes"]
    part = fetch(stream, vod["playback_url"], headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.data == video.data[:100]
    thumbnail = fetch(stream, vod["thumbnail_url"])
    assert thumbnail.mimetype == "image/jpeg" and thumbnail.data[:2] == b"\xff\xd8"


def test_only_the_owner_sees_failed_vods_and_deletes_vods(ada):
    stream, headers = ada["stream"], ada["headers"]
    stream.put(SETTING, headers=headers, json={"recording": True, "retention_days": 7})
    record_done(stream, recording(ada["recordings"], "ada-live", T0 + 1))
    record_done(stream, recording(ada["recordings"], "ada-live", T0 + 60, data=b"FLV broken" * 50))
    failed, ready = stream.get(VODS, headers=headers).get_json()
    assert failed["state"] == "failed" and failed["reason"] == "unreadable_recording"
    assert failed["playback_url"] is None and failed["duration_ms"] is None
    assert [v["id"] for v in stream.get(VODS).get_json()] == [ready["id"]]  # others: ready ones only
    assert stream.get(f"{VODS}/{failed['id']}").status_code == 404
    assert stream.get(f"{VODS}/{failed['id']}", headers=headers).get_json()["state"] == "failed"
    assert stream.delete(f"{VODS}/{ready['id']}", headers=ada["bob"]).status_code == 403
    assert stream.delete(f"{VODS}/{ready['id']}").status_code == 401
    assert stream.delete(f"{VODS}/{ready['id']}", headers=headers).status_code == 204
    assert stream.delete(f"{VODS}/{ready['id']}", headers=headers).status_code == 404
    assert stored(ada["vods"]) == [] and stream.get(ready["playback_url"]).status_code == 404
    assert [v["id"] for v in stream.get(VODS, headers=headers).get_json()] == [failed["id"]]
    assert stream.get("/api/v1/channels/nobody-here/vods").status_code == 404


def test_the_list_pages_by_keyset(ada):
    stream, headers = ada["stream"], ada["headers"]
    stream.put(SETTING, headers=headers, json={"recording": True, "retention_days": 7})
    for n in range(3):
        record_done(stream, recording(ada["recordings"], "ada-live", T0 + 100 * n))
    first = stream.get(VODS, query_string={"limit": 2})
    assert len(first.get_json()) == 2 and 'rel="next"' in first.headers["Link"]
    older = stream.get(first.headers["Link"].split(">")[0].lstrip("<"))
    assert len(older.get_json()) == 1 and 'rel="next"' not in older.headers["Link"]
    assert [v["part"] for v in stream.get(VODS).get_json()] == [3, 2, 1]  # one session, three parts


def test_the_hook_takes_only_recordings_of_its_folder(ada, tmp_path):
    stream = ada["stream"]
    elsewhere = recording(tmp_path / "elsewhere", "ada-live", T0)
    mine = recording(ada["recordings"], "ada-live", T0)
    for path, name in ((elsewhere, "ada-live"), ("/etc/passwd", "ada-live"), (mine, "other-live"), ("", ""),
                       (ada["recordings"] / ".." / "elsewhere" / elsewhere.name, "ada-live")):
        refused = record_done(stream, path, name)
        assert refused.status_code == 400 and refused.get_json()["reason"] == "not_a_recording", path
    assert elsewhere.exists() and mine.exists()
    forged = stream.post(f"{NGINX}/record-done", data={"name": "ada-live", "path": str(mine)},
                         environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert forged.status_code == 403 and mine.exists()
    assert record_done(stream, mine).status_code == 204  # recording is off: the file goes, no VOD
    assert not mine.exists() and stream.get(VODS, headers=ada["headers"]).get_json() == []
