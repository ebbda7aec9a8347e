"""The stream app's viewer and recommendation operations on a real live channel (generated slugs
are never live, so test_specs.py mostly sees the heartbeat's 404): each answers its success status
and holds its spec, anonymous and signed in."""
from __future__ import annotations

from axa.models.stream import db, viewers
from axa.models.stream import live as state
from axa.platform import clock
from axa.platform.redis_client import get_redis
from axa.tasks.stream import recommend
from tests.openapi.test_stream_channels import call, signed_in

BEAT = "/api/v1/channels/{slug}/viewers/heartbeat"


def test_heartbeats_live_now_and_recommendations_hold_their_spec(callers):
    owner, fan = signed_in(callers, "live-owner@example.com"), signed_in(callers, "live-fan@example.com")
    channel = call("POST", "/api/v1/channels", 201, owner, body={"slug": "spec-viewers", "title": "V"}).json()
    with callers.market.apps["stream"].app_context():
        state.published(channel["id"], state.at(clock.now()), 30.0)
        db.session.commit()
        viewers.sync_live_map(get_redis())
    slug = {"slug": "spec-viewers"}
    first = call("POST", BEAT, 200, {}, path_parameters=slug, body={}).json()
    again = call("POST", BEAT, 200, {}, path_parameters=slug, body={"viewer_token": first["viewer_token"]}).json()
    assert again["viewers"] == 1
    assert call("POST", BEAT, 200, fan, path_parameters=slug, body={}).json()["viewers"] == 2
    assert "spec-viewers" in [c["slug"] for c in call("GET", "/api/v1/live", 200, {}, query={"limit": 5}).json()]
    assert call("GET", "/api/v1/recommendations", 200, {}, query={"limit": 5}).json()[0]["reason_code"] == "popular"
    call("POST", "/api/v1/channels/{slug}/subscription", 200, fan, path_parameters=slug)
    fan_id = callers.market.apps["auth"].test_client().get("/api/v1/auth/me", headers=fan).get_json()["id"]
    with callers.market.apps["stream"].app_context():
        recommend.recommend_users([fan_id])
    assert call("GET", "/api/v1/recommendations", 200, fan, query={"limit": 5}).json() == []
    call("DELETE", "/api/v1/channels/{slug}", 204, owner, path_parameters=slug)
