"""The home feeds kept by the ``socweb.feeds`` tasks, run eagerly: fan-out on write, merges on
subscribe, removals on unsubscribe and delete, big accounts left to the read, and the outbox
published after commit (or by the sweep)."""
from __future__ import annotations

import pytest
from redis import ConnectionError as RedisConnectionError
from sqlalchemy import select

from axa.apps import FACTORIES
from axa.models.socweb import OutboxEntry, db, feeds
from axa.platform.redis_client import get_redis
from axa.tasks.socweb.feeds import fan_out_post, merge_author, publish_added, relay_outbox, unmerge_author
from tests.conftest import set_settings
from tests.tasks.feeds_helpers import (
    add_subscribers,
    add_users,
    age_outbox,
    delete_post,
    feed_of,
    post,
    subscribe,
    unsubscribe,
    write_post,
)


@pytest.fixture
def socweb(apps):
    return apps["socweb"]


@pytest.fixture
def people(socweb):
    """ada writes; bob and cyd subscribe to her; dan subscribes to nobody."""
    ada, bob, cyd, dan = add_users(socweb, ["ada", "bob", "cyd", "dan"])
    for subscriber in (bob, cyd):
        subscribe(socweb, subscriber, ada)
    return ada, bob, cyd, dan


def unpublished(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxEntry.topic).where(OutboxEntry.published_at.is_(None))))


def test_a_post_reaches_its_author_and_every_subscriber_and_no_one_else(socweb, people):
    ada, bob, cyd, dan = people
    first, second = post(socweb, ada), post(socweb, ada, "again")
    for user in (ada, bob, cyd):
        assert feed_of(socweb, user) == [second, first]
    assert feed_of(socweb, dan) == []
    assert unpublished(socweb) == []


def test_fan_out_writes_the_subscribers_in_batches_of_the_setting(socweb, monkeypatch):
    author, *subscribers = add_users(socweb, ["ada", *(f"reader{n}" for n in range(5))])
    add_subscribers(socweb, author, subscribers)
    set_settings(socweb, socweb_fanout_batch=2)
    batches = []
    push = feeds.push
    monkeypatch.setattr(feeds, "push", lambda users, posts: (batches.append(list(users)), push(users, posts)))
    post_id = post(socweb, author)
    assert batches == [[author], subscribers[:2], subscribers[2:4], subscribers[4:]]
    assert all(feed_of(socweb, user) == [post_id] for user in [author, *subscribers])


def test_fanning_out_again_leaves_each_feed_with_the_post_once_and_feeds_stay_trimmed(socweb, people):
    ada, bob, _, _ = people
    set_settings(socweb, socweb_feed_size=3)
    posts = [post(socweb, ada, f"post {n}") for n in range(5)]
    with socweb.app_context():
        assert fan_out_post.delay(posts[-1], ada).get() == 3  # a redelivered message: same feeds
    assert feed_of(socweb, bob) == posts[:1:-1] == feed_of(socweb, ada)  # the newest three, once each


def test_subscribing_merges_the_authors_recent_posts(socweb):
    ada, bob = add_users(socweb, ["ada", "bob"])
    mine = post(socweb, bob, "bob's own")
    hers = [post(socweb, ada, f"post {n}", visibility) for n, visibility in
            enumerate(["public", "subscribers", "public"])]
    assert feed_of(socweb, bob) == [mine]
    subscribe(socweb, bob, ada)
    assert feed_of(socweb, bob) == [*reversed(hers), mine]


def test_unsubscribing_removes_the_authors_posts_and_keeps_the_rest(socweb, people):
    ada, bob, cyd, _ = people
    subscribe(socweb, bob, cyd)
    hers, his_own, cyds = post(socweb, ada), post(socweb, bob), post(socweb, cyd)
    unsubscribe(socweb, bob, ada)
    assert feed_of(socweb, bob) == [cyds, his_own]
    assert feed_of(socweb, cyd) == [cyds, hers]


def test_merges_and_removals_follow_the_subscription_as_it_is_when_they_run(socweb, people):
    """A merge that runs after the unsubscription, or a removal after a new subscription (the
    two tasks may run in either order), leaves the feed as the subscription is now."""
    ada, bob, _, dan = people
    hers = post(socweb, ada)
    with socweb.app_context():
        assert merge_author.delay(dan, ada).get() == 0  # dan does not subscribe (any more)
        assert unmerge_author.delay(bob, ada).get() == 0  # bob subscribes (again)
    assert feed_of(socweb, dan) == [] and feed_of(socweb, bob) == [hers]


def test_deleting_a_post_removes_it_from_every_feed(socweb, people):
    ada, bob, cyd, _ = people
    kept, deleted = post(socweb, ada), post(socweb, ada)
    delete_post(socweb, deleted)
    assert feed_of(socweb, ada) == feed_of(socweb, bob) == feed_of(socweb, cyd) == [kept]


def test_a_post_deleted_before_its_fan_out_reaches_no_feed(socweb, people):
    ada, bob, _, _ = people
    with socweb.app_context():
        post_id = write_post(ada, "gone at once")
        db.session.commit()  # not published: the delete below wins the race
    delete_post(socweb, post_id)
    with socweb.app_context():
        assert fan_out_post.delay(post_id, ada).get() == 0
    assert feed_of(socweb, ada) == feed_of(socweb, bob) == []


def test_a_big_authors_post_is_not_fanned_out_to_subscribers(socweb, people):
    ada, bob, cyd, _ = people
    set_settings(socweb, socweb_fanout_threshold=1)
    post_id = post(socweb, ada)
    assert feed_of(socweb, ada) == [post_id]
    assert feed_of(socweb, bob) == feed_of(socweb, cyd) == []  # merged when they read instead
    with socweb.app_context():
        assert get_redis().smembers(feeds.BIG_AUTHORS) == {str(ada)}
    set_settings(socweb, socweb_fanout_threshold=2)
    assert feed_of(socweb, bob) == [] and len(feed_of(socweb, ada)) == 1
    second = post(socweb, ada)
    assert feed_of(socweb, bob) == [second]  # no longer over the threshold: fanned out again


def test_rows_rolled_back_or_not_yet_committed_are_not_published(socweb, people):
    ada, bob, _, _ = people
    with socweb.app_context():
        write_post(ada, "never committed")
        db.session.rollback()
        write_post(ada, "still open")
        assert publish_added() == 0  # its own session does not see the open transaction's row
        db.session.rollback()
    assert feed_of(socweb, bob) == [] and unpublished(socweb) == []


def test_the_sweep_publishes_what_a_request_left_and_prunes_old_rows(socweb, people):
    ada, bob, _, _ = people
    with socweb.app_context():
        left = write_post(ada, "its request died after the commit")
        db.session.commit()
        OutboxEntry.take_added()
        assert relay_outbox.delay().get() == 0  # younger than the grace: still its request's
    assert feed_of(socweb, bob) == []
    age_outbox(socweb, 60)
    with socweb.app_context():
        assert relay_outbox.delay().get() == 1
        assert relay_outbox.delay().get() == 0
    assert feed_of(socweb, bob) == [left]


def test_a_topic_without_a_task_is_logged_and_does_not_block_the_sweep(socweb, people, caplog):
    ada, bob, _, _ = people
    with socweb.app_context():
        OutboxEntry.add("feed.unheard_of", {"x": 1})
        post_id = write_post(ada, "after the stray row")
        db.session.commit()
        OutboxEntry.take_added()
    age_outbox(socweb, 60)
    with socweb.app_context():
        assert relay_outbox.delay().get() == 2
    assert "no task for topic 'feed.unheard_of'" in caplog.text
    assert feed_of(socweb, bob) == [post_id] and unpublished(socweb) == []


def test_fan_out_retries_a_transient_redis_error(socweb, people, monkeypatch):
    ada, bob, _, _ = people
    push, calls = feeds.push, []

    def flaky(users, posts):
        calls.append(list(users))
        if len(calls) == 2:
            raise RedisConnectionError("Connection reset by peer")
        push(users, posts)

    with socweb.app_context():
        post_id = write_post(ada, "hello")
        db.session.commit()
        monkeypatch.setattr(feeds, "push", flaky)
        assert fan_out_post.apply(args=(post_id, ada), throw=False).get() == 3  # eager retry: at once
    assert calls[0] == [ada] and calls[1] == calls[3] and len(calls) == 4  # the retry ran it all again
    assert feed_of(socweb, bob) == [post_id]


def test_a_request_publishes_the_outbox_rows_it_committed(socweb, people):
    """The end of every socweb request publishes what it committed; what it left uncommitted is
    rolled back and never published."""
    ada, bob, _, _ = people

    def write(commit: bool):
        write_post(ada, "from a request")
        if commit:
            db.session.commit()
        return {"ok": True}

    own = FACTORIES["socweb"]({"TESTING": True})  # the shared test apps take no new routes
    own.add_url_rule("/test/write", "test_write", lambda: write(True), methods=["POST"])
    own.add_url_rule("/test/forget", "test_forget", lambda: write(False), methods=["POST"])
    client = own.test_client()
    assert client.post("/test/forget").status_code == 200
    assert feed_of(socweb, bob) == []
    assert client.post("/test/write").status_code == 200
    assert len(feed_of(socweb, bob)) == 1 and unpublished(socweb) == []
    with own.app_context():
        db.engine.dispose()
