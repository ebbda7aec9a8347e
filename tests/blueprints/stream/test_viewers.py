"""Viewers (issue 11 item 5) against real Redis and PostgreSQL, on a hand-moved clock: a heartbeat
counts a viewer once however often it beats, stops counting after the TTL, is refused on an offline
channel, for a forged token and past the rate limit; the sampler turns counts into each live
session's peak and average (final once it ends) and the watch history; the live-now list is
sorted by viewers and paged."""
from __future__ import annotations

import dataclasses
import time

import pytest
from sqlalchemy import select

import celeryconfig
from axa.models.stream import LiveSession, SessionViewers, WatchHistory, audience, db
from axa.tasks.stream import live, viewers
from tests.blueprints.stream.helpers import new_channel, signed_in

BEAT = "/api/v1/channels/{}/viewers/heartbeat"


@pytest.fixture
def stream(clients):
    """Ada's three channels, ``ada-live`` live; the clock at ``now[0]``, a 45 s TTL, 5 beats a minute."""
    ada = signed_in(clients, "ada@example.com")
    app, now = clients["stream"].application, [float(int(time.time()))]  # sessions are signed in by the real clock
    ids = {slug: new_channel(clients["stream"], ada, slug=slug)["id"] for slug in ("ada-live", "bob-live", "cy-live")}
    app.config["AXA_CLOCK"] = lambda: now[0]
    app.config["AXA_STREAM_VIEWERS"] = dataclasses.replace(
        app.config["AXA_STREAM_VIEWERS"], viewer_ttl=45.0, heartbeat_limit=5, heartbeat_window=60.0,
        tokens_per_address=20)
    state = {"t0": now[0], "client": clients["stream"], "app": app, "ids": ids, "now": now, "ada": ada, "clients": clients}
    run(state, live.mark_published, ids["ada-live"], now[0])
    return state


def run(stream, func, *args):
    """``func`` in an app context of its own (requests must not share one: ``g`` is per context)."""
    with stream["app"].app_context():
        return func(*args)


def beat(stream, slug="ada-live", token=None, headers=None, status=200):
    answer = stream["client"].post(BEAT.format(slug), json={} if token is None else {"viewer_token": token},
                                   headers=headers or {}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert answer.status_code == status, answer.get_json()
    return answer


def page_viewers(stream, slug="ada-live") -> int:
    return stream["client"].get(f"/api/v1/channels/{slug}").get_json()["viewers"]


def session_of(channel_id: int) -> LiveSession:
    db.session.expire_all()
    return db.session.scalars(select(LiveSession).where(LiveSession.channel_id == channel_id)
                              .order_by(LiveSession.id.desc())).first()


def test_a_viewer_counts_once_however_often_it_beats(stream):
    first = beat(stream).get_json()
    assert first["viewers"] == 1 and first["interval"] == 15.0 and first["viewer_token"]
    token = first["viewer_token"]
    assert beat(stream, token=token).get_json() == {**first, "viewers": 1}  # the same viewer again
    assert beat(stream).get_json()["viewers"] == 2  # another anonymous player
    bob = signed_in(stream["clients"], "bob@example.com")
    signed = beat(stream, headers=bob).get_json()
    assert signed["viewers"] == 3 and signed["viewer_token"] is None
    assert beat(stream, headers=bob, token=token).get_json()["viewers"] == 3  # signed in: the user counts
    assert page_viewers(stream) == 3 and page_viewers(stream, "bob-live") == 0


def test_a_silent_viewer_stops_counting_after_the_ttl(stream):
    token = beat(stream).get_json()["viewer_token"]
    stream["now"][0] = stream["t0"] + 30
    beat(stream)  # a second viewer, 30 s later
    assert page_viewers(stream) == 2
    stream["now"][0] = stream["t0"] + 46  # the first one's last beat is 46 s old
    assert page_viewers(stream) == 1
    assert beat(stream, token=token).get_json()["viewers"] == 2  # back: counted again, once
    stream["now"][0] = stream["t0"] + 200
    assert page_viewers(stream) == 0


def test_refused_beats_say_why(stream):
    beat(stream, slug="bob-live", status=404)  # offline
    assert beat(stream, slug="No-Such", status=404).get_json()["reason"] == "not_live"
    forged = "A" * 16 + "." + "B" * 16
    assert beat(stream, token=forged, status=422).get_json()["reason"] == "bad_viewer_token"
    assert beat(stream, token="not a token", status=422)
    token = beat(stream).get_json()["viewer_token"]
    for _ in range(5):  # the beat that handed the token out counted for the address
        beat(stream, token=token)
    refused = beat(stream, token=token, status=429)  # the sixth beat with the token in a minute
    assert refused.get_json()["reason"] == "too_many_heartbeats" and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert beat(stream).get_json()["viewers"] == 2  # another viewer is not limited by this one


def test_new_anonymous_tokens_are_limited_per_address(stream):
    for _ in range(20):
        beat(stream)
    assert beat(stream, status=429).headers["Retry-After"]
    assert page_viewers(stream) == 20


def test_peak_and_average_follow_the_samples_and_are_final_at_the_end(stream):
    ada_live = stream["ids"]["ada-live"]
    tokens = [beat(stream).get_json()["viewer_token"] for _ in range(4)]
    stream["now"][0] = stream["t0"] + 10
    assert run(stream, viewers.sample_viewers) == 1  # 4 viewers for 10 s
    stream["now"][0] = stream["t0"] + 20
    for token in tokens[:2]:
        beat(stream, token=token)
    stream["now"][0] = stream["t0"] + 50  # two went silent 50 s ago
    run(stream, viewers.sample_viewers)  # 2 viewers for 30 s (capped: at most 3 periods)
    session = run(stream, session_of, ada_live)
    assert (session.peak_viewers, session.avg_viewers) == (4, 3)  # (4*10 + 2*30) / 40 = 2.5, rounded half up
    assert run(stream, lambda: db.session.get(SessionViewers, session.id).current) == 2
    run(stream, live.mark_unpublished, ada_live, stream["t0"] + 51, 5.0)
    stream["now"][0] = stream["t0"] + 60
    assert run(stream, live.check_offline, ada_live, 0, 5.0) is True
    for _ in range(3):
        beat(stream, status=404)  # offline: refused, not counted
    stream["now"][0] = stream["t0"] + 70
    run(stream, viewers.sample_viewers)
    ended = run(stream, session_of, ada_live)
    assert ended.ended_at is not None and (ended.peak_viewers, ended.avg_viewers) == (4, 3)


def test_signed_in_viewers_build_a_watch_history(stream):
    bob = signed_in(stream["clients"], "bob@example.com")
    for offset in (0, 15, 30, 120, 130):  # watched 30 s, a long gap (not counted), then 10 s more
        stream["now"][0] = stream["t0"] + offset
        beat(stream, headers=bob)
        beat(stream)  # an anonymous viewer leaves no history
        if offset == 30:
            run(stream, viewers.sample_viewers)
    run(stream, viewers.sample_viewers)
    [row] = run(stream, lambda: db.session.scalars(select(WatchHistory)).all())
    assert row.channel_id == stream["ids"]["ada-live"] and row.seconds == pytest.approx(40.0)
    assert row.live_session_id == run(stream, session_of, stream["ids"]["ada-live"]).id


def test_live_now_lists_the_most_watched_first_in_pages(stream):
    ids = stream["ids"]
    run(stream, live.mark_published, ids["bob-live"], stream["t0"])
    run(stream, live.mark_published, ids["cy-live"], stream["t0"])
    for slug, count in (("ada-live", 1), ("bob-live", 3), ("cy-live", 2)):
        for _ in range(count):
            beat(stream, slug=slug)
    run(stream, viewers.sample_viewers)
    first = stream["client"].get("/api/v1/live?limit=2")
    assert [(c["slug"], c["viewers"], c["live"]) for c in first.get_json()] == [
        ("bob-live", 3, True), ("cy-live", 2, True)]
    next_url = first.headers["Link"].split(">")[0].lstrip("<")
    second = stream["client"].get(next_url)
    assert [c["slug"] for c in second.get_json()] == ["ada-live"] and "Link" not in second.headers
    run(stream, live.mark_unpublished, ids["bob-live"], stream["t0"] + 1, 1.0)
    stream["now"][0] = stream["t0"] + 5
    run(stream, live.check_offline, ids["bob-live"], 0, 1.0)
    assert [c["slug"] for c in stream["client"].get("/api/v1/live").get_json()] == ["cy-live", "ada-live"]


def test_each_sample_stands_for_one_beat_period():
    assert celeryconfig.beat_schedule["stream-sample-viewers"]["schedule"] == audience.SAMPLE_SECONDS
