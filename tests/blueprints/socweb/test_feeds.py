"""The lists of posts: the home feed (from Redis, rebuilt from PostgreSQL when lost, big accounts
merged at read time), the public timeline, a profile's posts and posts by tag; keyset pages with
Link; visibility re-checked on every read. Celery runs eagerly (the worker: tests/integration)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event

from axa.models.socweb import Post, Subscription, db, feeds
from axa.platform.redis_client import get_redis
from tests.conftest import set_settings
from tests.tasks.feeds_helpers import (
    add_users,
    feed_of,
    post,
    set_status,
    sign_in,
    subscribe,
    unsubscribe,
)


@pytest.fixture
def socweb_app(apps):
    return apps["socweb"]


@pytest.fixture
def people(socweb_app):
    """ada writes; bob subscribes to her; dan subscribes to nobody."""
    ada, bob, dan = add_users(socweb_app, ["ada", "bob", "dan"])
    subscribe(socweb_app, bob, ada)
    return ada, bob, dan


def get(app, path: str, user: int | None = None, **params):
    return app.test_client().get(path, query_string=params, headers=sign_in(app, user) if user else {})


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()]


def links(response) -> dict[str, dict]:
    found = re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("Link", ""))
    return {rel: {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()} for url, rel in found}


def test_home_feed_holds_own_and_subscribed_posts_newest_first(socweb_app, people):
    ada, bob, dan = people
    first = post(socweb_app, ada, "hello #World", tags=("intro",))
    mine = post(socweb_app, bob, "bob here")
    post(socweb_app, dan, "nobody follows dan")
    response = get(socweb_app, "/api/v1/feed", bob)
    assert ids(response) == [mine, first]
    card = response.get_json()[1]
    assert card["author"] == {"id": ada, "username": "ada", "display_name": "Ada", "bio": None,
                              "image": None, "following": True}
    assert (card["body"], card["tags"], card["likes_count"], card["liked"]) == \
        ("hello #World", ["intro", "world"], 0, False)
    assert get(socweb_app, "/api/v1/feed").status_code == 401


def test_keyset_pages_follow_the_links_and_the_last_page_has_no_next(socweb_app, people):
    ada, bob, _ = people
    posts = [post(socweb_app, ada, f"post {n}") for n in range(5)][::-1]  # newest first
    first = get(socweb_app, "/api/v1/feed", bob, limit=2)
    assert ids(first) == posts[:2] and links(first)["next"] == {"limit": "2", "max_id": str(posts[1])}
    second = get(socweb_app, "/api/v1/feed", bob, **links(first)["next"])
    assert ids(second) == posts[2:4]
    last = get(socweb_app, "/api/v1/feed", bob, **links(second)["next"])
    assert ids(last) == posts[4:] and "next" not in links(last)
    assert links(last)["prev"] == {"limit": "2", "min_id": str(posts[4])}
    assert ids(get(socweb_app, "/api/v1/feed", bob, **links(last)["prev"])) == posts[2:4]
    exact = get(socweb_app, "/api/v1/feed", bob, limit=5)
    assert ids(exact) == posts and "next" not in links(exact)  # no next that leads to an empty page


def test_a_feed_lost_from_redis_is_rebuilt_on_read_and_nothing_is_lost(socweb_app, people):
    ada, bob, dan = people
    subscribe(socweb_app, bob, dan)
    posts = [post(socweb_app, author, f"by {author}", visibility)
             for author in (ada, bob, dan, ada) for visibility in ("public", "subscribers")]
    before = ids(get(socweb_app, "/api/v1/feed", bob, limit=40))
    assert sorted(before, reverse=True) == before and set(before) == set(posts)
    with socweb_app.app_context():
        get_redis().flushdb()  # feeds, markers and sessions gone
    assert feed_of(socweb_app, bob) == []
    assert ids(get(socweb_app, "/api/v1/feed", bob, limit=40)) == before
    assert feed_of(socweb_app, bob) == before


def test_an_empty_feed_is_built_once_not_on_every_read(socweb_app, people):
    ada, bob, _ = people
    assert ids(get(socweb_app, "/api/v1/feed", bob)) == []
    with socweb_app.app_context():  # a post that reached PostgreSQL but (yet) no feed
        db.session.add(Post(author_id=ada, body="no fan-out", tags=[]))
        db.session.commit()
    assert ids(get(socweb_app, "/api/v1/feed", bob)) == []  # the built feed is read, not rebuilt
    with socweb_app.app_context():
        get_redis().delete(feeds.built_key(bob))
    assert len(ids(get(socweb_app, "/api/v1/feed", bob))) == 1


def test_an_unread_feed_expires_and_a_read_keeps_it(socweb_app, people):
    ada, bob, _ = people
    set_settings(socweb_app, socweb_feed_days=2)
    first = post(socweb_app, ada, "before")
    assert ids(get(socweb_app, "/api/v1/feed", bob)) == [first]
    with socweb_app.app_context():
        redis = get_redis()
        marker, feed = redis.ttl(feeds.built_key(bob)), redis.ttl(feeds.feed_key(bob))
        assert 2 * 86400 - 60 < marker <= 2 * 86400 and feed == marker + feeds.MARGIN
        redis.expire(feeds.built_key(bob), 5)  # a read pushes both expiries out again
    get(socweb_app, "/api/v1/feed", bob)
    with socweb_app.app_context():
        assert get_redis().ttl(feeds.built_key(bob)) > 86400
        get_redis().delete(feeds.built_key(bob), feeds.feed_key(bob))  # expired: bob went away
    second = post(socweb_app, ada, "while bob was away")  # fan-out starts a partial feed
    with socweb_app.app_context():
        assert feed_of(socweb_app, bob) == [second]
        assert 0 < get_redis().ttl(feeds.feed_key(bob)) <= 2 * 86400 + feeds.MARGIN
    assert ids(get(socweb_app, "/api/v1/feed", bob)) == [second, first]  # rebuilt: nothing lost
    with socweb_app.app_context():
        assert get_redis().ttl(feeds.built_key(bob)) > 86400


def test_a_big_accounts_posts_are_merged_into_the_page_at_read_time(socweb_app, people):
    ada, bob, dan = people
    subscribe(socweb_app, dan, ada)
    set_settings(socweb_app, socweb_fanout_threshold=1)  # ada's two subscribers are too many
    old = post(socweb_app, bob, "bob before")
    hers = [post(socweb_app, ada, "big news"), post(socweb_app, ada, "for subscribers", "subscribers")]
    new = post(socweb_app, bob, "bob after")
    assert feed_of(socweb_app, bob) == [new, old] and feed_of(socweb_app, dan) == []  # no per-subscriber writes
    assert ids(get(socweb_app, "/api/v1/feed", bob)) == [new, hers[1], hers[0], old]
    first = get(socweb_app, "/api/v1/feed", bob, limit=2)
    assert ids(first) == [new, hers[1]]
    assert ids(get(socweb_app, "/api/v1/feed", bob, **links(first)["next"])) == [hers[0], old]
    assert ids(get(socweb_app, "/api/v1/feed", dan)) == hers[::-1]
    unsubscribe(socweb_app, dan, ada)
    assert ids(get(socweb_app, "/api/v1/feed", dan)) == []


def walk(app, user: int, limit: int) -> list[int]:
    """Every post of the feed, following the next links from the first page."""
    seen, params = [], {"limit": limit}
    while params is not None:
        response = get(app, "/api/v1/feed", user, **params)
        seen += ids(response)
        params = links(response).get("next")
    return seen


def test_merged_posts_never_jump_over_feed_entries_past_a_short_page(socweb_app, people):
    """A page whose window of feed ids was mostly dropped (deleted posts still in Redis) merges a
    big account's posts only within the window: the older feed entries come first, on the next
    pages."""
    ada, bob, _ = people
    set_settings(socweb_app, socweb_fanout_threshold=0)
    hers = post(socweb_app, ada, "old big news")
    older = post(socweb_app, bob, "older")
    deleted = [post(socweb_app, bob, f"soon deleted {n}") for n in range(4)]
    newest = post(socweb_app, bob, "newest")
    with socweb_app.app_context():  # deleted, their removal from the feed not yet run
        for post_id in deleted:
            db.session.delete(db.session.get(Post, post_id))
        db.session.commit()
    assert walk(socweb_app, bob, limit=2) == [newest, older, hers]


def test_the_feed_rechecks_each_post_whatever_redis_still_holds(socweb_app, people):
    """A deleted post, an author no longer active, an ended subscription: gone from the page even
    while the feed in Redis still holds them (their removal not yet run)."""
    ada, bob, dan = people
    subscribe(socweb_app, bob, dan)
    hers, deleted, dans = post(socweb_app, ada), post(socweb_app, ada), post(socweb_app, dan)
    with socweb_app.app_context():  # changes whose outbox rows were never published
        db.session.delete(db.session.get(Post, deleted))
        Subscription.unsubscribe(bob, dan)
        db.session.commit()
    assert set(feed_of(socweb_app, bob)) == {hers, deleted, dans}
    assert ids(get(socweb_app, "/api/v1/feed", bob)) == [hers]
    set_status(socweb_app, ada, "disabled")
    assert ids(get(socweb_app, "/api/v1/feed", bob)) == []


def test_subscriber_only_posts_reach_only_subscribers_and_the_author(socweb_app, people):
    ada, bob, dan = people
    public = post(socweb_app, ada, "for all #news")
    private = post(socweb_app, ada, "for subscribers #news", "subscribers")
    assert ids(get(socweb_app, "/api/v1/feed", bob)) == [private, public]
    assert ids(get(socweb_app, "/api/v1/feed", ada)) == [private, public]
    for path in ("/api/v1/profiles/ada/posts", "/api/v1/tags/news/posts"):
        for viewer, expected in ((bob, [private, public]), (ada, [private, public]),
                                 (dan, [public]), (None, [public])):
            assert ids(get(socweb_app, path, viewer)) == expected, (path, viewer)
    assert ids(get(socweb_app, "/api/v1/timelines/public", bob)) == [public]


def test_an_inactive_authors_posts_vanish_from_every_list(socweb_app, people):
    ada, bob, dan = people
    post(socweb_app, ada, "soon gone #news")
    kept = post(socweb_app, dan, "still here #news")
    set_status(socweb_app, ada, "disabled")
    assert ids(get(socweb_app, "/api/v1/feed", bob)) == []
    assert ids(get(socweb_app, "/api/v1/timelines/public")) == [kept]
    assert ids(get(socweb_app, "/api/v1/tags/news/posts", bob)) == [kept]
    assert get(socweb_app, "/api/v1/profiles/ada/posts", bob).status_code == 404


def test_public_timeline_pages_by_keyset(socweb_app, people):
    ada, _, dan = people
    posts = [post(socweb_app, author, "hi") for author in (ada, dan, ada)][::-1]
    post(socweb_app, dan, "not public", "subscribers")
    first = get(socweb_app, "/api/v1/timelines/public", limit=2)
    assert ids(first) == posts[:2] and links(first)["next"]["max_id"] == str(posts[1])
    last = get(socweb_app, "/api/v1/timelines/public", **links(first)["next"])
    assert ids(last) == posts[2:] and "next" not in links(last)


def test_profile_posts_by_username_in_any_case_and_404_for_unknown(socweb_app, people):
    ada, bob, _ = people
    hers = post(socweb_app, ada)
    post(socweb_app, bob)
    assert ids(get(socweb_app, "/api/v1/profiles/ADA/posts")) == [hers]
    for unknown in ("nobody", "x", "bad%00name", "a" * 40):
        response = get(socweb_app, f"/api/v1/profiles/{unknown}/posts")
        assert response.status_code == 404 and response.get_json()["message"] == "No such profile."


def test_posts_by_tag_normalize_the_tag(socweb_app, people):
    ada, _, _ = people
    tagged = post(socweb_app, ada, "about #Python", tags=("Ünïcode",))
    post(socweb_app, ada, "about nothing")
    assert ids(get(socweb_app, "/api/v1/tags/PYTHON/posts")) == [tagged]
    assert ids(get(socweb_app, "/api/v1/tags/%23python/posts")) == [tagged]
    assert ids(get(socweb_app, "/api/v1/tags/ÜNÏCODE/posts")) == [tagged]
    assert ids(get(socweb_app, "/api/v1/tags/" + "x" * 60 + "/posts")) == []
    assert ids(get(socweb_app, "/api/v1/tags/%00/posts")) == []


def test_a_home_feed_page_costs_the_same_few_queries_whatever_its_size(socweb_app, people):
    """One query for the posts, one for their counts and flags, one for their authors: no query
    per post or per author."""
    ada, bob, dan = people
    subscribe(socweb_app, bob, dan)
    for n in range(30):
        post(socweb_app, (ada, dan, bob)[n % 3], f"post {n}")
    get(socweb_app, "/api/v1/feed", bob)  # built
    statements = []

    def record(_conn, _cursor, statement, *_):
        statements.append(statement)

    with socweb_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for limit in (2, 30):
            statements.clear()
            assert len(ids(get(socweb_app, "/api/v1/feed", bob, limit=limit))) == limit
            assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3, statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize(("path", "where"), [
    ("/api/v1/feed", {}), ("/api/v1/timelines/public", {}),
    ("/api/v1/profiles/{username}/posts", {"username": "ada"}), ("/api/v1/tags/{tag}/posts", {"tag": "news"})])
def test_a_full_page_holds_the_documented_schema_and_link_header(socweb_app, people, path, where):
    """The spec tests see these lists empty (their user has no posts); here each has posts, with
    a next page, and the answer holds the spec: body, Link header, content type."""
    from tests.openapi.checks import json_headers_conform, success_status_documented
    from tests.openapi.specs import SPECS
    ada, bob, _ = people
    for n in range(4):
        post(socweb_app, ada, f"post {n} #news", "public" if n % 2 else "subscribers")
    case = SPECS["socweb"][path]["GET"].Case(path_parameters=where, query={"limit": 1})
    response = case.call_and_validate(headers=sign_in(socweb_app, bob),
                                      additional_checks=[json_headers_conform, success_status_documented])
    assert response.status_code == 200 and len(response.json()) == 1
    assert 'rel="next"' in response.headers["link"][0]


def test_through_the_endpoints_posts_come_and_go_with_subscriptions_and_deletes(apps, sign_up):
    """The posts and subscriptions endpoints write the outbox; the end of each request publishes
    it and the feed follows (a feed read first: built, so only the tasks change it)."""
    client = apps["socweb"].test_client(use_cookies=False)
    ada, bob = sign_up("Ada", username="ada"), sign_up("Bob", username="bob")
    older = client.post("/api/v1/posts", json={"body": "before bob came"}, headers=ada.headers).get_json()["id"]
    assert client.get("/api/v1/feed", headers=bob.headers).get_json() == []
    assert client.post("/api/v1/subscriptions/ada", headers=bob.headers).status_code == 200
    created = client.post("/api/v1/posts", json={"body": "Hello #world", "tags": ["intro"]}, headers=ada.headers)
    newer = created.get_json()["id"]
    assert ids(client.get("/api/v1/feed", headers=bob.headers)) == [newer, older]
    assert feed_of(apps["socweb"], bob.id) == [newer, older]
    assert client.delete(f"/api/v1/posts/{older}", headers=ada.headers).status_code == 204
    assert feed_of(apps["socweb"], bob.id) == [newer] == ids(client.get("/api/v1/feed", headers=bob.headers))
    assert client.delete("/api/v1/subscriptions/ada", headers=bob.headers).status_code == 200
    assert feed_of(apps["socweb"], bob.id) == [] == ids(client.get("/api/v1/feed", headers=bob.headers))
