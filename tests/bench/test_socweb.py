"""The socweb benchmarks' references do socweb's work: the raw-driver floor answers the very body
and Link header socweb answers (home feed, Conduit article list) on seeded data, and the raw
fan-out pipeline leaves each feed as the platform's fan-out leaves it."""
import pytest

from axa.models.socweb import User, feeds
from axa.platform.redis_client import get_redis
from bench import socweb_seed
from bench.socweb_fanout import RAW_PREFIX, raw_pipeline
from tests.conftest import set_settings
from tests.tasks.feeds_helpers import sign_in

SIZE = socweb_seed.Size(accounts=60, posts=400, followed=12)


@pytest.fixture
def seeded(apps):
    """The read benchmarks' data, small: a viewer following 12 of 60 accounts, 400 posts."""
    app, viewer = apps["socweb"], 7
    with app.app_context():
        socweb_seed.clear(get_redis())
        User.apply_snapshots([{"id": viewer, "email": "viewer@example.com", "display_name": "Viewer",
                               "status": "active", "roles": [], "version": 1}])
    socweb_seed.seed_reading(viewer, "viewer", SIZE)
    return app, viewer


@pytest.fixture
def floor():
    """The raw-driver floor's app; its thread's connection closed after the test."""
    from bench import socweb_raw_app
    yield socweb_raw_app.app
    socweb_raw_app.close_connection()


@pytest.mark.parametrize(("path", "scheme"), [("/api/v1/feed?limit=20", "Bearer"),
                                              ("/api/v1/feed?limit=7&max_id=300", "Bearer"),
                                              ("/conduit/api/articles?limit=20", "Token"),
                                              ("/api/v1/search?q=tag7+consectetur&type=posts&limit=1", "Bearer")])
def test_the_raw_floor_answers_socweb_s_body(seeded, floor, path, scheme):
    app, viewer = seeded
    token = sign_in(app, viewer)["Authorization"].split()[1]
    headers = {"Authorization": f"{scheme} {token}"}
    platform = app.test_client().get(path, headers=headers)
    assert platform.status_code == 200, platform.get_json()
    answer = floor.test_client().get(path, headers=headers)
    assert answer.status_code == 200
    assert answer.get_json() == platform.get_json()
    assert answer.headers.get("Link") == platform.headers.get("Link")
    assert answer.headers["Content-Type"] == platform.headers["Content-Type"]
    listed = platform.get_json()
    listed = listed["articles"] if "conduit" in path else listed["posts"] if "search" in path else listed
    assert len(listed) >= (1 if "search" in path else 5)
    assert "search" not in path or "cursor=" in platform.headers["Link"]


def test_the_raw_fan_out_leaves_each_feed_as_the_platform_s(apps):
    app, users = apps["socweb"], [101, 102, 103]
    set_settings(app, socweb_feed_size=3)
    with app.app_context():
        redis = get_redis()
        for post_id in (5, 9, 7, 12, 11):
            feeds.push(users, [post_id])
            raw_pipeline(redis, post_id, users, 3)
        for user in users:
            held = redis.zrange(feeds.feed_key(user), 0, -1, withscores=True)
            assert held == redis.zrange(f"{RAW_PREFIX}{user}", 0, -1, withscores=True)
            assert [int(member) for member, _ in held] == [9, 11, 12]
