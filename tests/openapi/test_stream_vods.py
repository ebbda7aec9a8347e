"""The stream app's recording and VOD operations on a real VOD (generated ids rarely exist, so
test_specs.py mostly sees their 404): the setting, the list, one VOD, its files (whole and by
range) and the delete each answer their success status and hold their spec."""
from __future__ import annotations

import dataclasses

import pytest

from tests.blueprints.stream.vod_support import NEEDS_FFMPEG, recording
from tests.openapi.specs import SPECS
from tests.openapi.test_stream_channels import call, signed_in

pytestmark = NEEDS_FFMPEG
CHANNEL = "/api/v1/channels/{slug}"
VOD = "/api/v1/channels/{slug}/vods/{vod_id}"


# schemathesis' WSGI transport reads a body but never closes the response: send_file's open file
# is left to the garbage collector (a ResourceWarning, not a leak of the app)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_every_recording_and_vod_operation_on_a_real_vod_holds_its_spec(callers, tmp_path, monkeypatch):
    owner = signed_in(callers, "recorder@example.com")
    app, recordings = callers.market.apps["stream"], tmp_path / "recordings"
    for one in (app, SPECS["stream"].app):  # the hook's app, and the app the spec calls go to
        monkeypatch.setitem(one.config, "AXA_VOD", dataclasses.replace(
            one.config["AXA_VOD"], recordings_dir=str(recordings), storage_url=f"file://{tmp_path / 'vods'}"))
    channel = call("POST", "/api/v1/channels", 201, owner, body={"slug": "spec-vods", "title": "VODs"}).json()
    slug = {"slug": "spec-vods"}
    assert call("GET", f"{CHANNEL}/recording", 200, {}, path_parameters=slug).json()["recording"] is False
    call("PUT", f"{CHANNEL}/recording", 200, owner, path_parameters=slug,
         body={"recording": True, "retention_days": 2})
    source = recording(recordings, "spec-vods", 1_800_000_000)
    with app.test_client() as internal:
        assert internal.post("/internal/ingest/nginx/record-done",
                             data={"name": "spec-vods", "path": str(source)}).status_code == 204
    [vod] = call("GET", f"{CHANNEL}/vods", 200, {}, path_parameters=slug, query={"limit": 5}).json()
    on_vod = {"path_parameters": {**slug, "vod_id": vod["id"]}}
    assert call("GET", VOD, 200, owner, **on_vod).json()["state"] == "ready"
    files = {"channel_id": channel["id"], "vod_id": vod["id"]}
    call("GET", "/api/v1/vod-files/{channel_id}/{vod_id}.mp4", 200, {}, path_parameters=files)
    call("GET", "/api/v1/vod-files/{channel_id}/{vod_id}.mp4", 206, {"Range": "bytes=0-15"}, path_parameters=files)
    call("GET", "/api/v1/vod-files/{channel_id}/{vod_id}.jpg", 200, {}, path_parameters=files)
    call("DELETE", VOD, 204, owner, **on_vod)
    call("GET", VOD, 404, owner, **on_vod)
    call("DELETE", CHANNEL, 204, owner, path_parameters=slug)
