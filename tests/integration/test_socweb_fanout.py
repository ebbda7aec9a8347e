"""Home-feed fan-out through a real worker on the real broker: a post reaches every subscriber's
feed (and their ``GET /api/v1/feed`` within a second), unsubscribe and delete take posts out, a
worker SIGKILLed mid fan-out and a new one leave every feed with the post exactly once, and a post
committed while the broker is down waits in the outbox until the sweep publishes it."""
from __future__ import annotations

import time

from sqlalchemy import select

from axa.models.socweb import OutboxEntry, db, feeds
from axa.platform.redis_client import get_redis
from axa.tasks.socweb.feeds import relay_outbox
from tests.conftest import bearer, login, register
from tests.integration.conftest import (
    WorkerProcess,
    consumer_counts,
    rabbitmq_redelivery,
    replica_versions,
    wait_until,
)
from tests.integration.test_broker_outage import broker_proxy  # noqa: F401 (the broker behind a proxy)
from tests.tasks.feeds_helpers import (
    add_subscribers,
    add_users,
    age_outbox,
    delete_post,
    feed_of,
    post,
    sign_in,
    subscribe,
    unsubscribe,
)

KILL_SUBSCRIBERS = 2000  # written one feed per pipeline: long enough to kill the worker mid-way


def feeds_holding(app, user_ids: list[int], post_id: int) -> list[int]:
    """The users whose feed holds the post (one pipeline)."""
    with app.app_context(), get_redis().pipeline(transaction=False) as pipe:
        for user_id in user_ids:
            pipe.zscore(feeds.feed_key(user_id), post_id)
        return [user for user, score in zip(user_ids, pipe.execute(), strict=True) if score is not None]


def whole_feeds(app, user_ids: list[int]) -> list[list[int]]:
    with app.app_context(), get_redis().pipeline(transaction=False) as pipe:
        for user_id in user_ids:
            pipe.zrange(feeds.feed_key(user_id), 0, -1)
        return [[int(i) for i in members] for members in pipe.execute()]


def unpublished(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxEntry.topic).where(OutboxEntry.published_at.is_(None))))


def _member(platform, name: str) -> dict:
    """Sign up on auth, wait for user sync to bring the user to socweb, choose a username."""
    auth = platform["auth"].test_client(use_cookies=False)
    user_id = register(auth, email=f"{name}@example.com", name=name.title()).get_json()["id"]
    headers = bearer(login(auth, email=f"{name}@example.com").get_json()["session_id"])
    wait_until(lambda: user_id in replica_versions(platform, "socweb"), 5.0, f"{name} synced to socweb")
    chosen = platform["socweb"].test_client().patch("/api/v1/profile", json={"username": name}, headers=headers)
    assert chosen.status_code == 200, chosen.get_json()
    return headers


def test_two_users_one_subscribes_the_other_posts_and_it_is_in_the_feed_within_a_second(platform):
    """The issue's walk-through on the native API, with the real worker and broker."""
    client = platform["socweb"].test_client(use_cookies=False)
    ada, bob = _member(platform, "ada"), _member(platform, "bob")
    assert client.post("/api/v1/subscriptions/ada", headers=bob).status_code == 200
    assert client.get("/api/v1/feed", headers=bob).get_json() == []
    started = time.monotonic()
    created = client.post("/api/v1/posts", json={"body": "Hello #world", "tags": ["Intro"]}, headers=ada)
    assert created.status_code == 201
    wait_until(lambda: client.get("/api/v1/feed", headers=bob).get_json(), 1.0, "the post in bob's feed")
    assert time.monotonic() - started < 1.0
    (seen,) = client.get("/api/v1/feed", headers=bob).get_json()
    assert (seen["id"], seen["author"]["username"], seen["tags"]) == (created.get_json()["id"], "ada",
                                                                      ["intro", "world"])


def test_a_post_reaches_every_subscriber_and_their_feed_page_within_a_second(platform):
    socweb = platform["socweb"]
    author, *subscribers = add_users(socweb, ["ada", *(f"reader{n}" for n in range(300))])
    add_subscribers(socweb, author, subscribers)
    client, headers = socweb.test_client(), sign_in(socweb, subscribers[-1])
    assert client.get("/api/v1/feed", headers=headers).get_json() == []  # built: now only fan-out fills it
    started = time.monotonic()
    post_id = post(socweb, author, "news for everyone")  # committed, then published as a request's end does
    wait_until(lambda: [p["id"] for p in client.get("/api/v1/feed", headers=headers).get_json()] == [post_id],
               1.0, "the post on the last subscriber's feed page")
    assert time.monotonic() - started < 1.0
    wait_until(lambda: len(feeds_holding(socweb, [author, *subscribers], post_id)) == 301, 5.0, "every feed")
    assert unpublished(socweb) == []


def test_unsubscribe_and_delete_take_posts_out_of_feeds_through_the_worker(platform):
    socweb = platform["socweb"]
    ada, bob, cyd = add_users(socweb, ["ada", "bob", "cyd"])
    subscribe(socweb, bob, ada)
    subscribe(socweb, cyd, ada)
    kept, deleted = post(socweb, ada, "kept"), post(socweb, ada, "deleted")
    wait_until(lambda: feed_of(socweb, bob) == feed_of(socweb, cyd) == [deleted, kept], 5.0, "fan-out")
    unsubscribe(socweb, bob, ada)
    delete_post(socweb, deleted)
    wait_until(lambda: feed_of(socweb, bob) == [] and feed_of(socweb, cyd) == [kept], 5.0, "the removals")
    subscribe(socweb, bob, ada)
    wait_until(lambda: feed_of(socweb, bob) == [kept], 5.0, "the merge of ada's posts")


@rabbitmq_redelivery
def test_worker_killed_mid_fan_out_then_replaced_leaves_every_feed_with_the_post_once(platform, worker, tmp_path):
    worker.stop()  # this test's workers write one feed per pipeline (the next test restarts it)
    socweb = platform["socweb"]
    author, *subscribers = add_users(socweb, ["ada", *(f"reader{n}" for n in range(KILL_SUBSCRIBERS))])
    add_subscribers(socweb, author, subscribers)
    slow = WorkerProcess(tmp_path / "worker.log", {"AXA_SOCWEB_FANOUT_BATCH": "1"})
    slow.start()
    try:
        post_id = post(socweb, author, "to all")
        wait_until(lambda: feeds_holding(socweb, subscribers[:1], post_id), 10.0, "fan-out started",
                   interval=0.005)
        slow.kill()
        written = len(feeds_holding(socweb, subscribers, post_id))
        assert 0 < written < KILL_SUBSCRIBERS, written  # killed mid-way
        wait_until(lambda: sum(consumer_counts().values()) == 0, 5.0, "the broker saw the worker die")
        slow.start()
        wait_until(lambda: len(feeds_holding(socweb, subscribers, post_id)) == KILL_SUBSCRIBERS, 30.0,
                   "the redelivered fan-out finished")
    finally:
        slow.stop()
    assert whole_feeds(socweb, [author, *subscribers]) == [[post_id]] * (KILL_SUBSCRIBERS + 1)
    assert unpublished(socweb) == []


def test_a_post_committed_while_the_broker_is_down_waits_for_the_sweep(platform, broker_proxy):  # noqa: F811
    socweb = platform["socweb"]
    ada, bob = add_users(socweb, ["ada", "bob"])
    subscribe(socweb, bob, ada)
    before = post(socweb, ada, "before")  # the publisher's pool now holds a link through the proxy
    wait_until(lambda: feed_of(socweb, bob) == [before], 5.0, "fan-out through the proxy")
    broker_proxy.cut()
    started = time.monotonic()
    during = post(socweb, ada, "during the outage")
    assert time.monotonic() - started < 2.0  # the request's end does not hang on the broker
    assert unpublished(socweb) == ["feed.post_created"]
    broker_proxy.restore()
    with socweb.app_context():
        assert relay_outbox() == 0  # within the grace: still the request's own to publish
    age_outbox(socweb, 10)
    with socweb.app_context():
        assert relay_outbox() == 1  # as beat runs it
    wait_until(lambda: feed_of(socweb, bob) == [during, before], 5.0, "fan-out after the sweep")
    assert unpublished(socweb) == []
