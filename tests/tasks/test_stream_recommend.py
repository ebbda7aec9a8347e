"""Recommendations (issue 11 item 8): the ``stream.recommend`` job run directly against real
PostgreSQL on a hand-made graph, whose ranking and reasons are worked out below; then what
``GET /api/v1/recommendations`` answers signed in (the stored list, less what one subscribed to
since) and anonymous (the most watched live channels).

The caller ``me`` follows f1 (chess), f2 (speedrun) and f3 (music), owns ``mine`` and watched
``bravo`` for an hour. Peers p1, p2, p3 follow f1, f2, f3 and subscribe to ``alpha``; p1 also
watched ``delta``. Scores (recommender.py weights):

* bravo: live, 100 viewers, watched 60 min: 2*log2(61) + 0.5*log10(101) + 1 = 13.864 -> "You watched 60 min"
* alpha: live, 5 viewers, its subscribers follow all three: 3*3 + 0.5*log10(6) + 1 = 10.39
* delta: upcoming (live 2 days ago), watched by p1 who follows f1: 3*1 = 3
* charlie: live, no viewers, tagged Chess like f1: 1 + 0 + 1 = 2
* golf (live, 50 viewers, nothing in common), hotel (chess, but last live 30 days ago), mine (my
  own) and f1 (live, but I follow it) are not recommended.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from axa.models.stream import (
    Channel,
    LiveSession,
    Recommendation,
    SessionViewers,
    Subscription,
    WatchHistory,
    db,
)
from axa.tasks.stream import recommend
from tests.conftest import bearer, login, register

P1, P2, P3, OWNER = 9001, 9002, 9003, 8000
EXPECTED = [("bravo", "watched", "You watched 60 min of its streams"),
            ("alpha", "co_subscribed", "3 channels you follow are followed by its viewers"),
            ("delta", "co_subscribed", "1 channel you follow is followed by its viewers"),
            ("charlie", "shared_tags", "Tagged Chess, like channels you follow or watch")]


def channel(slug: str, owner: int = OWNER, tags=(), live_viewers: int | None = None, ended_days_ago=None) -> int:
    now = datetime.now(UTC)
    row = Channel(user_id=owner, slug=slug, title=slug.title(), tags=list(tags))
    db.session.add(row)
    db.session.flush()
    if live_viewers is not None:
        session = LiveSession(channel_id=row.id, started_at=now, last_published_at=now, reconnects=0)
        db.session.add(session)
        db.session.flush()
        db.session.add(SessionViewers(live_session_id=session.id, current=live_viewers, viewer_seconds=0.0,
                                      sampled_seconds=0.0, sampled_at=now))
    if ended_days_ago is not None:
        start = now - timedelta(days=ended_days_ago, hours=1)
        db.session.add(LiveSession(channel_id=row.id, started_at=start, last_published_at=start, reconnects=0,
                                   disconnected_at=start + timedelta(hours=1), ended_at=start + timedelta(hours=1),
                                   end_reason="disconnected"))
    db.session.flush()
    return row.id


def watched(user_id: int, channel_id: int, seconds: float) -> None:
    session_id = db.session.scalar(db.select(LiveSession.id).where(LiveSession.channel_id == channel_id))
    db.session.add(WatchHistory(user_id=user_id, live_session_id=session_id, channel_id=channel_id,
                                seconds=seconds, watched_at=datetime.now(UTC)))


@pytest.fixture
def graph(clients):
    auth = clients["auth"].application.test_client(use_cookies=False)
    me = register(auth, email="me@example.com").get_json()["id"]
    headers = bearer(login(auth, email="me@example.com").get_json()["session_id"])
    app = clients["stream"].application
    with app.app_context():
        ids = {"f1": channel("f1", tags=["chess"], live_viewers=9), "f2": channel("f2", tags=["speedrun"]),
               "f3": channel("f3", tags=["music"]), "mine": channel("mine", owner=me, tags=["chess"], live_viewers=7),
               "alpha": channel("alpha", live_viewers=5), "bravo": channel("bravo", live_viewers=100),
               "charlie": channel("charlie", tags=["Chess", "retro"], live_viewers=0),
               "delta": channel("delta", ended_days_ago=2), "golf": channel("golf", live_viewers=50),
               "hotel": channel("hotel", tags=["chess"], ended_days_ago=30)}
        follows = [(me, "f1"), (me, "f2"), (me, "f3"), (P1, "f1"), (P2, "f2"), (P3, "f3"),
                   (P1, "alpha"), (P2, "alpha"), (P3, "alpha")]
        db.session.add_all(Subscription(user_id=u, channel_id=ids[slug]) for u, slug in follows)
        watched(me, ids["bravo"], 3600.0)
        watched(P1, ids["delta"], 600.0)
        db.session.commit()
    return {"me": me, "headers": headers, "ids": ids, "app": app, "client": clients["stream"]}


def stored(graph) -> list[tuple]:
    with graph["app"].app_context():
        rows = db.session.execute(db.select(Recommendation, Channel.slug).join(Channel)
                                  .where(Recommendation.user_id == graph["me"]).order_by(Recommendation.rank))
        return [(slug, r.reason_code, r.reason) for r, slug in rows]


def test_the_job_ranks_and_explains_each_users_channels(graph):
    with graph["app"].app_context():
        assert recommend.dispatch_recommendations() == 1  # me and the three peers: one batch (eager)
    assert stored(graph) == EXPECTED
    with graph["app"].app_context():
        scores = dict(db.session.execute(db.select(Channel.slug, Recommendation.score).join(Channel)
                                         .where(Recommendation.user_id == graph["me"])).all())
        p1 = db.session.execute(db.select(Channel.slug, Recommendation.reason).join(Recommendation)
                                .where(Recommendation.user_id == P1).order_by(Recommendation.rank)).all()
    assert scores == pytest.approx({"bravo": 13.864, "alpha": 10.389, "delta": 3.0, "charlie": 2.0}, abs=1e-3)
    assert [tuple(row) for row in p1] == [  # p1: delta watched (2*log2(11) = 6.92), bravo watched by me
        ("delta", "You watched 10 min of its streams"),  # who follow f1 as p1 does (3 + 1 + 1), then
        ("bravo", "1 channel you follow is followed by its viewers"),  # the live chess channels
        ("mine", "Tagged chess, like channels you follow or watch"),
        ("charlie", "Tagged Chess, like channels you follow or watch")]
    with graph["app"].app_context():  # a rerun replaces the list, it does not add to it
        recommend.recommend_users([graph["me"]])
    assert stored(graph) == EXPECTED


def test_signed_in_callers_get_their_list_less_what_they_followed_since(graph):
    with graph["app"].app_context():
        recommend.recommend_users([graph["me"]])
    client, headers = graph["client"], graph["headers"]
    answer = client.get("/api/v1/recommendations", headers=headers).get_json()
    assert [(r["rank"], r["channel"]["slug"], r["reason"]) for r in answer] == [
        (i, slug, reason) for i, (slug, _, reason) in enumerate(EXPECTED, start=1)]
    assert answer[0]["channel"]["live"] is True and answer[2]["channel"]["live"] is False  # delta: upcoming
    assert client.post("/api/v1/channels/alpha/subscription", headers=headers).status_code == 200
    first = client.get("/api/v1/recommendations?limit=2", headers=headers)
    assert [r["channel"]["slug"] for r in first.get_json()] == ["bravo", "delta"]
    rest = client.get(first.headers["Link"].split(">")[0].lstrip("<"), headers=headers)
    assert [r["channel"]["slug"] for r in rest.get_json()] == ["charlie"] and "Link" not in rest.headers


def test_anonymous_callers_get_the_most_watched_live_channels(graph):
    answer = graph["client"].get("/api/v1/recommendations").get_json()
    assert [(r["channel"]["slug"], r["reason_code"], r["reason"]) for r in answer] == [
        ("bravo", "popular", "100 watching now"), ("golf", "popular", "50 watching now"),
        ("f1", "popular", "9 watching now"), ("mine", "popular", "7 watching now"),
        ("alpha", "popular", "5 watching now"), ("charlie", "popular", "0 watching now")]
    assert answer[0]["computed_at"] is None
    mine = graph["client"].get("/api/v1/recommendations", headers=graph["headers"]).get_json()
    assert [r["channel"]["slug"] for r in mine] == ["bravo", "golf", "alpha", "charlie"]  # no list yet:
    # the popular ones, less my own channel and the ones I follow
