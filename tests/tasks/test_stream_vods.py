"""The ``stream.vod`` graph on files directly (issue 11 item 9), eagerly in the test process with a
folder storage: a good recording becomes a ready VOD with a playable MP4 and a thumbnail, linked
to its live session; a corrupt one fails with a reason; a redelivered hand-over stores once; a
channel that does not record keeps nothing; a reconnect's second recording is the session's part
2; the retention sweep deletes expired VODs (files, then rows) and those of deleted channels."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from axa.models.stream import Vod, db
from axa.models.stream import live as state
from axa.tasks.stream import vod as vod_tasks
from tests.blueprints.stream.helpers import new_channel, signed_in
from tests.blueprints.stream.vod_support import NEEDS_FFMPEG, probe_seconds, recording, stored, use_vods

pytestmark = NEEDS_FFMPEG
T0 = 1_800_000_000


@pytest.fixture
def ada(clients, tmp_path):
    stream = clients["stream"]
    headers = signed_in(clients, "ada@example.com")
    channel = new_channel(stream, headers)
    put = stream.put("/api/v1/channels/ada-live/recording", headers=headers,
                     json={"recording": True, "retention_days": 7})
    assert put.status_code == 200, put.get_json()
    app = stream.application
    folders = use_vods(app, tmp_path)
    with app.app_context():
        session, _ = state.published(channel["id"], state.at(T0), 30.0)
        db.session.commit()
        yield {"channel": channel, "session_id": session.id, "headers": headers, "stream": stream, **folders}


def rows() -> list[Vod]:
    db.session.expire_all()
    return list(db.session.scalars(select(Vod).order_by(Vod.id)))


def test_a_recording_becomes_a_ready_vod_with_a_playable_mp4(ada):
    source = recording(ada["recordings"], "ada-live", T0 + 1)
    assert vod_tasks.recording_graph("ada-live", str(source)).apply().get() == "ready"
    [vod] = rows()
    assert (vod.state, vod.session_id, vod.part, vod.reason) == ("ready", ada["session_id"], 1, None)
    assert 1900 <= vod.duration_ms <= 2200 and vod.recorded_at == datetime.fromtimestamp(T0 + 1, UTC)
    channel_id = ada["channel"]["id"]
    assert stored(ada["vods"]) == [f"vods/{channel_id}/{vod.id}.jpg", f"vods/{channel_id}/{vod.id}.mp4"]
    mp4 = ada["vods"] / vod.video_key
    assert vod.size_bytes == mp4.stat().st_size
    assert abs(probe_seconds(mp4) - 2.0) < 0.2
    assert mp4.read_bytes()[4:8] == b"ftyp" and b"moov" in mp4.read_bytes()[:4096]  # faststart: index first
    assert (ada["vods"] / vod.thumbnail_key).read_bytes()[:2] == b"\xff\xd8"  # a JPEG
    assert not source.exists()  # the media server's file is gone once stored


def test_a_corrupt_recording_fails_with_a_reason_and_is_removed(ada):
    source = recording(ada["recordings"], "ada-live", T0 + 1, data=b"FLV\x01" + b"not a video" * 200)
    assert vod_tasks.recording_graph("ada-live", str(source)).apply().get() == "failed"
    [vod] = rows()
    assert vod.reason == "unreadable_recording" and "Invalid data" in vod.detail
    assert str(ada["recordings"]) not in vod.detail  # no server paths in what the owner reads
    assert stored(ada["vods"]) == [] and not source.exists()


def test_a_redelivered_hand_over_stores_once(ada):
    source = recording(ada["recordings"], "ada-live", T0 + 1)
    first = vod_tasks.register_recording("ada-live", str(source))
    assert vod_tasks.register_recording("ada-live", str(source)) == first  # delivered twice before processing
    assert vod_tasks.process_recording(first) == "ready"
    before = {key: (ada["vods"] / key).stat().st_mtime_ns for key in stored(ada["vods"])}
    assert vod_tasks.process_recording(first) is None  # the same message again: nothing to do
    assert vod_tasks.register_recording("ada-live", str(source)) is None  # the file is gone: nothing
    assert len(rows()) == 1 and len(before) == 2
    assert {key: (ada["vods"] / key).stat().st_mtime_ns for key in stored(ada["vods"])} == before


def test_a_channel_that_does_not_record_keeps_nothing(ada):
    off = ada["stream"].put("/api/v1/channels/ada-live/recording", headers=ada["headers"],
                            json={"recording": False, "retention_days": 7})
    assert off.get_json() == {"recording": False, "retention_days": 7}
    source = recording(ada["recordings"], "ada-live", T0 + 1)
    assert vod_tasks.recording_graph("ada-live", str(source)).apply().get() is None
    assert rows() == [] and not source.exists()
    gone = recording(ada["recordings"], "gone-live", T0 + 1)  # a channel deleted while streaming
    assert vod_tasks.register_recording("gone-live", str(gone)) is None and not gone.exists()


def test_files_outside_the_recordings_folder_are_never_touched(ada, tmp_path):
    outside = recording(tmp_path / "elsewhere", "ada-live", T0 + 1)
    for path in (str(outside), str(ada["recordings"] / ".." / "elsewhere" / outside.name), "", "\x00"):
        assert vod_tasks.register_recording("ada-live", path) is None
    odd = ada["recordings"] / "notes.txt"
    odd.write_text("x")
    assert vod_tasks.register_recording("ada-live", str(odd)) is None
    assert outside.exists() and odd.exists() and rows() == []


def test_a_reconnect_inside_the_window_makes_part_two_of_the_same_session(ada):
    channel_id = ada["channel"]["id"]
    state.unpublished(channel_id, state.at(T0 + 3))
    state.published(channel_id, state.at(T0 + 10), 30.0)  # back within the window
    db.session.commit()
    for epoch in (T0 + 10, T0 + 1):  # the second part may well be handled first
        vod_tasks.recording_graph("ada-live", str(recording(ada["recordings"], "ada-live", epoch))).apply()
    assert sorted((v.session_id, v.part, v.recorded_at.timestamp()) for v in rows()) == [
        (ada["session_id"], 1, T0 + 1), (ada["session_id"], 2, T0 + 10)]


def test_the_sweep_deletes_vods_past_retention_and_of_deleted_channels(ada):
    app, later = ada["stream"].application, T0 + 8 * 86400

    def sweep() -> int:
        app.config["AXA_CLOCK"] = lambda: later
        try:
            return vod_tasks.sweep_vods()
        finally:
            del app.config["AXA_CLOCK"]

    for epoch in (T0 + 1, T0 + 2 * 86400):  # 8 days old (past the 7 of the channel), 6 days old
        vod_tasks.recording_graph("ada-live", str(recording(ada["recordings"], "ada-live", epoch))).apply()
    _, young = rows()
    assert sweep() == 1
    assert [v.id for v in rows()] == [young.id]
    assert stored(ada["vods"]) == sorted([young.thumbnail_key, young.video_key])
    ada["stream"].put("/api/v1/channels/ada-live/recording", headers=ada["headers"],
                      json={"recording": True, "retention_days": 5})
    later = T0 + 6 * 86400 + 10  # 4 days after: inside the new, shorter retention
    assert sweep() == 0
    assert ada["stream"].delete("/api/v1/channels/ada-live", headers=ada["headers"]).status_code == 204
    assert [v.channel_id for v in rows()] == [None]  # the row outlives its channel until the sweep
    assert sweep() == 1
    assert rows() == [] and stored(ada["vods"]) == []
    assert db.session.scalar(select(func.count()).select_from(Vod)) == 0
