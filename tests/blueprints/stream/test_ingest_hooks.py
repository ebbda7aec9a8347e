"""The media server's hooks on the stream app (issue 11 item 3): nginx-rtmp's form POSTs and
MediaMTX's JSON auth call. An allowed key is answered from Redis (302 to the channel's relay for
nginx-rtmp, 204 for MediaMTX); any other key, and any caller that is not a configured media
server, 403. The hooks queue their live events in the live inbox; ``channel()`` relays them as the
worker would (Celery eager: an allowed publish makes the channel live at once)."""
from __future__ import annotations

import dataclasses

import pytest

from axa.blueprints.stream.ingest import service
from axa.models.stream.keys import REDIS_KEY, hash_key
from axa.platform.config import ConfigError
from axa.platform.redis_client import get_redis
from tests.blueprints.stream.helpers import new_channel, relay_live_events, signed_in

NGINX = "/internal/ingest/nginx"
MEDIAMTX = "/internal/ingest/mediamtx/auth"
OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture
def ada(clients):
    headers = signed_in(clients, "ada@example.com")
    new_channel(clients["stream"], headers)
    new_channel(clients["stream"], headers, slug="other-live")
    key = clients["stream"].post("/api/v1/channels/ada-live/keys", headers=headers, json={"label": "OBS"})
    return {"headers": headers, "key": key.get_json()}


def stream_settings(clients, **changes) -> None:
    app = clients["stream"].application
    app.config["AXA_STREAM"] = dataclasses.replace(app.config["AXA_STREAM"], **changes)


def publish(stream, name: str, **kwargs):
    form = {"call": "publish", "app": "live", "name": name, "addr": "198.51.100.4", "type": "live"}
    return stream.post(f"{NGINX}/publish", data=form, **kwargs)


def channel(stream, slug: str = "ada-live") -> dict:
    """The channel's public page once the worker has relayed the hooks' live events."""
    relay_live_events(stream)
    return stream.get(f"/api/v1/channels/{slug}").get_json()


def test_an_allowed_key_is_redirected_to_its_channel_and_the_channel_goes_live(clients, ada):
    stream = clients["stream"]
    answer = publish(stream, ada["key"]["key"])
    assert answer.status_code == 302
    assert answer.headers["Location"] == "rtmp://127.0.0.1:1935/hls/ada-live"
    live = channel(stream)
    assert live["live"] is True and live["reconnecting"] is False and live["live_since"]
    assert live["playback_url"] == "http://localhost:8088/hls/ada-live/index.m3u8"
    assert ada["key"]["key"] not in str(live) and channel(stream, "other-live")["live"] is False
    listed = stream.get("/api/v1/channels").get_json()
    assert {c["slug"]: c["live"] for c in listed} == {"ada-live": True, "other-live": False}


@pytest.mark.parametrize("name", ["", "live_nope", "x" * 5000, "live_\u00e9\u0000"])
def test_an_unknown_key_is_refused(clients, ada, name):
    answer = publish(clients["stream"], name)
    assert answer.status_code == 403 and answer.get_json()["code"] == 403
    assert channel(clients["stream"])["live"] is False


def test_a_revoked_key_is_refused_and_dropped_by_the_update_hook(clients, ada):
    stream, key = clients["stream"], ada["key"]
    update = {"call": "update_publish", "app": "live", "name": key["key"]}
    assert stream.post(f"{NGINX}/update", data=update).status_code == 204
    assert channel(stream)["live"] is True  # a heartbeat: live even had the publish event been lost
    revoked = stream.delete(f"/api/v1/channels/ada-live/keys/{key['id']}", headers=ada["headers"])
    assert revoked.status_code == 204
    assert publish(stream, key["key"]).status_code == 403
    assert stream.post(f"{NGINX}/update", data=update).status_code == 403  # nginx-rtmp drops it
    assert stream.post(f"{NGINX}/update", data={"call": "update_play", "name": "x"}).status_code == 204


def test_an_entry_of_the_older_format_is_rebuilt_with_the_slug(clients, ada):
    stream, key = clients["stream"], ada["key"]
    with stream.application.app_context():
        redis, name = get_redis(), REDIS_KEY.format(hash_key(key["key"]))
        redis.set(name, f"{channel(stream)['id']} 0")  # written before entries carried the slug
        assert publish(stream, key["key"]).headers["Location"].endswith("/hls/ada-live")
        assert redis.get(name).endswith(" ada-live")


def test_publish_done_keeps_the_channel_live_while_it_may_reconnect(clients, ada):
    stream, key = clients["stream"], ada["key"]["key"]
    publish(stream, key)
    done = stream.post(f"{NGINX}/publish-done", data={"call": "publish_done", "name": key})
    assert done.status_code == 204
    state = channel(stream)
    assert state["live"] is True and state["reconnecting"] is True
    assert publish(stream, key).status_code == 302
    assert channel(stream)["reconnecting"] is False
    [session] = stream.get("/api/v1/channels/ada-live/sessions").get_json()
    assert session["ended_at"] is None and session["end_reason"] is None and session["reconnects"] == 1
    assert set(session) == {"id", "started_at", "ended_at", "end_reason", "reconnects", "peak_viewers",
                            "avg_viewers"}
    assert stream.get("/api/v1/channels/other-live/sessions").get_json() == []
    assert stream.get("/api/v1/channels/nobody-here/sessions").status_code == 404
    for name in ("", "live_unknown"):  # nothing to stop: still answered
        assert stream.post(f"{NGINX}/publish-done", data={"name": name}).status_code == 204
    refused = stream.post(f"{NGINX}/record-done", data={"name": key, "path": "/tmp/x.flv"})
    assert refused.status_code == 400 and refused.get_json()["reason"] == "not_a_recording"  # tests/blueprints/stream/test_vods.py


def test_only_configured_addresses_or_the_secret_may_call(clients, ada):
    stream, key = clients["stream"], ada["key"]["key"]
    forged = publish(stream, key, environ_base=OUTSIDE)
    assert forged.status_code == 403 and forged.get_json()["reason"] == "hook_forbidden"
    for path in ("publish-done", "update", "record-done"):
        assert stream.post(f"{NGINX}/{path}", data={"name": key}, environ_base=OUTSIDE).status_code == 403
    assert stream.post(MEDIAMTX, json={"action": "read", "path": "ada-live"}, environ_base=OUTSIDE).status_code == 403
    assert channel(stream)["live"] is False
    stream_settings(clients, hook_secret="s3cret-for-hooks")
    assert publish(stream, key, environ_base=OUTSIDE, headers={"X-Hook-Secret": "wrong"}).status_code == 403
    assert publish(stream, key, environ_base=OUTSIDE, headers={"X-Hook-Secret": "s3cret-for-hooks"}).status_code == 302
    query = stream.post(f"{NGINX}/publish?secret=s3cret-for-hooks", data={"name": key}, environ_base=OUTSIDE)
    assert query.status_code == 302
    stream_settings(clients, hook_addresses=("203.0.113.0/24",), hook_secret="")
    assert publish(stream, key, environ_base=OUTSIDE).status_code == 302
    assert publish(stream, key).status_code == 403  # 127.0.0.1 is no longer a media server


def test_mediamtx_publish_needs_the_key_of_the_channel_in_its_path(clients, ada):
    stream, key = clients["stream"], ada["key"]["key"]
    body = {"user": "", "password": key, "token": "", "ip": "198.51.100.4", "action": "publish",
            "path": "ada-live", "protocol": "rtmp", "id": None, "query": ""}
    assert stream.post(MEDIAMTX, json={**body, "path": "other-live"}).status_code == 403  # another channel's key
    assert stream.post(MEDIAMTX, json={**body, "password": "live_wrong"}).status_code == 403
    assert channel(stream)["live"] is False
    assert stream.post(MEDIAMTX, json={**body, "password": "", "query": f"key={key}"}).status_code == 204
    assert channel(stream)["live"] is True
    assert stream.post(MEDIAMTX, json={**body, "password": "", "token": key}).status_code == 204
    not_ready = stream.post("/internal/ingest/mediamtx/not-ready", json={"path": "ada-live"})
    assert not_ready.status_code == 204 and channel(stream)["reconnecting"] is True


@pytest.mark.parametrize(("body", "status"), [
    ({"action": "read", "path": "ada-live", "protocol": "hls"}, 204),
    ({"action": "playback", "path": "ada-live"}, 204),
    ({"action": "read", "path": "nobody-here"}, 403),
    ({"action": "read", "path": ["ada-live"]}, 403),
    ({"action": "api", "path": ""}, 403),
    ({"action": "metrics"}, 403),
    ({"action": "pprof", "password": "x"}, 403),
    ({}, 403),
    ([1, 2], 400),
    ("not an object", 400),
])
def test_mediamtx_reads_of_a_channel_are_allowed_and_nothing_else(clients, ada, body, status):
    answer = clients["stream"].post(MEDIAMTX, json=body)
    assert answer.status_code == status, answer.get_data(as_text=True)


def test_hooks_answer_json_errors_to_malformed_calls(clients, ada):
    stream = clients["stream"]
    assert stream.post(MEDIAMTX, data="{", content_type="application/json").status_code == 400
    assert stream.post(f"{NGINX}/publish", data=b"\xff\xfe", content_type="application/x-www-form-urlencoded"
                       ).status_code == 403
    assert stream.get(f"{NGINX}/publish").status_code == 405


def test_a_malformed_address_list_stops_start_up():
    with pytest.raises(ConfigError, match="AXA_STREAM_HOOK_ADDRESSES"):
        service.networks(("127.0.0.1/32", "not-a-network"))
    assert not service.address_allowed("not an address", ("127.0.0.1/32",))
    assert service.address_allowed("::1", ("127.0.0.1/32", "::1/128"))
