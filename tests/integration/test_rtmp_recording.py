"""The real recording path (issue 11 item 9): ffmpeg publishes a test pattern to a real nginx with
the RTMP module (rendered from ops/nginx-rtmp.conf.template on free ports); nginx-rtmp records the
channel's stream and, when it stops, calls on_record_done on the stream app served over HTTP; a
real Celery worker runs the ``stream.vod`` graph: the channel lists a ready VOD, linked to its live
session, whose MP4 ffprobe reads with the published duration, and the recording is gone from the
media server's folder. Skipped only where nginx-rtmp or ffmpeg is not installed."""
from __future__ import annotations

import dataclasses
import subprocess

from tests.blueprints.stream.helpers import new_channel, signed_in
from tests.blueprints.stream.vod_support import stored
from tests.integration.conftest import WorkerProcess, wait_until
from tests.integration.test_rtmp_ingest import ffmpeg, nginx, publishing, pytestmark, stream_server  # noqa: F401

SECONDS = 4


def test_a_published_stream_becomes_a_playable_vod(platform, worker, stream_server, nginx, publishing,  # noqa: F811
                                                    tmp_path):
    worker.stop()  # this test's worker reads the test's recordings and stores into the test's folder
    recordings, vods = nginx["log"].parent / "recordings", tmp_path / "vods"
    app = stream_server["app"]
    app.config["AXA_VOD"] = dataclasses.replace(app.config["AXA_VOD"], recordings_dir=str(recordings),
                                                storage_url=f"file://{vods}")
    mine = WorkerProcess(tmp_path / "worker.log", {"AXA_VOD_RECORDINGS_DIR": str(recordings),
                                                   "AXA_VOD_STORAGE_URL": f"file://{vods}"})
    mine.start()
    try:
        client = stream_server["client"]
        headers = signed_in({sub: a.test_client() for sub, a in platform.items()}, "ada@example.com")
        new_channel(client, headers)
        key = client.post("/api/v1/channels/ada-live/keys", headers=headers, json={"label": "OBS"}).get_json()["key"]
        on = client.put("/api/v1/channels/ada-live/recording", headers=headers,
                        json={"recording": True, "retention_days": 3})
        assert on.status_code == 200
        publisher = ffmpeg(nginx["settings"].port, key, SECONDS)
        publishing.append(publisher)
        _, errors = publisher.communicate(timeout=30)
        assert publisher.returncode == 0, errors.decode()

        def ready():
            found = client.get("/api/v1/channels/ada-live/vods", headers=headers).get_json()
            return found if found and found[0]["state"] != "processing" else None

        [vod] = wait_until(ready, 30, f"the VOD made\n{mine.log_tail()}")
        assert vod["state"] == "ready", vod
        [session] = client.get("/api/v1/channels/ada-live/sessions").get_json()
        assert (vod["session_id"], vod["part"]) == (session["id"], 1)
        assert abs(vod["duration_ms"] / 1000 - SECONDS) < 1.0, vod
        mp4 = vods / f"vods/{vod['playback_url'].rsplit('/', 2)[1]}/{vod['id']}.mp4"
        probed = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name:format=duration",
                                 "-of", "default=noprint_wrappers=1", str(mp4)], capture_output=True, check=True)
        fields = probed.stdout.decode().split()
        assert {"codec_name=h264", "codec_name=aac"} <= set(fields), fields
        assert abs(float(next(f for f in fields if f.startswith("duration=")).split("=")[1]) - SECONDS) < 1.0
        served = client.get(vod["playback_url"].split("localhost", 1)[1], headers={"Range": "bytes=0-7"})
        assert served.status_code == 206 and served.data[4:8] == b"ftyp"
        served.close()
        assert len(stored(vods)) == 2 and list(recordings.iterdir()) == []  # handed over, then removed
    finally:
        mine.stop()
