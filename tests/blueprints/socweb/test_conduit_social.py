"""Conduit profiles and follows, the feed, favorites, comments, tags, and the list filters with
limit/offset paging."""
from __future__ import annotations

import re

from sqlalchemy import select

from axa.models.socweb import Like, Subscription
from tests.blueprints.socweb.conduit_support import TIMESTAMP, user_id

COMMENT_KEYS = {"id", "createdAt", "updatedAt", "body", "author"}


def test_follow_and_unfollow_a_profile(conduit):
    jake, celeb = conduit.register("jake"), conduit.register("celeb_jake")
    seen = conduit.check(conduit.call("GET", "/profiles/celeb_jake", jake), "GetProfileByUsername", 200)
    assert seen == {"profile": {"username": "celeb_jake", "bio": None, "image": None, "following": False}}
    followed = conduit.call("POST", "/profiles/CELEB_JAKE/follow", jake, json={"user": {"email": "x"}})
    assert conduit.check(followed, "FollowUserByUsername", 200)["profile"]["following"] is True
    assert conduit.call("POST", "/profiles/celeb_jake/follow", jake).get_json()["profile"]["following"] is True
    assert conduit.call("GET", "/profiles/celeb_jake", jake).get_json()["profile"]["following"] is True
    assert conduit.call("GET", "/profiles/celeb_jake").get_json()["profile"]["following"] is False
    with conduit.apps["socweb"].app_context():  # the native subscription, once
        assert Subscription.subscribers_of(user_id(conduit.apps, "celeb_jake")) == [user_id(conduit.apps, "jake")]
    unfollowed = conduit.call("DELETE", "/profiles/celeb_jake/follow", jake)
    assert conduit.check(unfollowed, "UnfollowUserByUsername", 200)["profile"]["following"] is False
    own = conduit.call("POST", "/profiles/celeb_jake/follow", celeb)
    assert (own.status_code, list(own.get_json()["errors"])) == (422, ["username"])
    for path in ("/profiles/nobody", "/profiles/no%20body", "/profiles/nobody/follow"):
        answer = conduit.call("GET" if path.count("/") == 2 else "POST", path, jake)
        assert (answer.status_code, answer.get_json()) == (404, {"errors": {"profile": ["not found"]}}), path
    assert conduit.call("POST", "/profiles/celeb_jake/follow").status_code == 401


def test_the_feed_holds_the_articles_of_followed_users_newest_first(conduit):
    jake, anna, bob = conduit.register("jake"), conduit.register("anna"), conduit.register("bob")
    first = conduit.article(anna, "Anna one")["slug"]
    conduit.article(bob, "Bob one")
    conduit.article(jake, "Jake one")
    second = conduit.article(anna, "Anna two")["slug"]
    empty = conduit.check(conduit.call("GET", "/articles/feed", jake), "GetArticlesFeed", 200)
    assert empty == {"articles": [], "articlesCount": 0}
    conduit.call("POST", "/profiles/anna/follow", jake)
    feed = conduit.check(conduit.call("GET", "/articles/feed", jake), "GetArticlesFeed", 200)
    assert [a["slug"] for a in feed["articles"]] == [second, first] and feed["articlesCount"] == 2
    assert all("body" not in a and a["author"]["following"] for a in feed["articles"])
    paged = conduit.call("GET", "/articles/feed?limit=1&offset=1", jake).get_json()
    assert ([a["slug"] for a in paged["articles"]], paged["articlesCount"]) == ([first], 2)
    conduit.call("DELETE", "/profiles/anna/follow", jake)
    assert conduit.call("GET", "/articles/feed", jake).get_json()["articlesCount"] == 0
    assert conduit.call("GET", "/articles/feed").status_code == 401


def test_favorites_are_likes_counted_and_flagged(conduit):
    jake, anna = conduit.register("jake"), conduit.register("anna")
    slug = conduit.article(jake)["slug"]
    liked = conduit.check(conduit.call("POST", f"/articles/{slug}/favorite", anna), "CreateArticleFavorite", 200)
    assert (liked["article"]["favorited"], liked["article"]["favoritesCount"]) == (True, 1)
    again = conduit.call("POST", f"/articles/{slug}/favorite", anna).get_json()["article"]
    assert again["favoritesCount"] == 1  # idempotent
    conduit.call("POST", f"/articles/{slug}/favorite", jake)
    assert conduit.call("GET", f"/articles/{slug}").get_json()["article"]["favoritesCount"] == 2
    assert conduit.call("GET", f"/articles/{slug}", anna).get_json()["article"]["favorited"] is True
    with conduit.apps["socweb"].app_context():  # the native likes
        db = conduit.apps["socweb"].extensions["sqlalchemy"]
        assert len(db.session.scalars(select(Like)).all()) == 2
    undone = conduit.call("DELETE", f"/articles/{slug}/favorite", anna)
    assert conduit.check(undone, "DeleteArticleFavorite", 200)["article"] | {"updatedAt": 0} == \
        liked["article"] | {"favorited": False, "favoritesCount": 1, "updatedAt": 0}
    assert conduit.call("POST", "/articles/nope-999/favorite", anna).status_code == 404
    assert conduit.call("POST", f"/articles/{slug}/favorite").status_code == 401


def test_comments_are_added_listed_newest_first_and_deleted_by_their_authors(conduit):
    jake, anna, bob = conduit.register("jake"), conduit.register("anna"), conduit.register("bob")
    slug = conduit.article(jake)["slug"]
    added = conduit.call("POST", f"/articles/{slug}/comments", anna, json={"comment": {"body": "Thank you so much!"}})
    comment = conduit.check(added, "CreateArticleComment", 200)["comment"]
    assert set(comment) == COMMENT_KEYS and comment["body"] == "Thank you so much!"
    assert comment["author"] == {"username": "anna", "bio": None, "image": None, "following": False}
    assert re.match(TIMESTAMP, comment["createdAt"]) and re.match(TIMESTAMP, comment["updatedAt"])
    later = conduit.call("POST", f"/articles/{slug}/comments", bob, json={"comment": {"body": "Me too"}}).get_json()
    listed = conduit.check(conduit.call("GET", f"/articles/{slug}/comments"), "GetArticleComments", 200)
    assert [c["id"] for c in listed["comments"]] == [later["comment"]["id"], comment["id"]]
    assert conduit.call("GET", f"/articles/{slug}", jake).get_json()["article"]["favoritesCount"] == 0
    blank = conduit.call("POST", f"/articles/{slug}/comments", anna, json={"comment": {"body": ""}})
    assert (blank.status_code, blank.get_json()) == (422, {"errors": {"body": ["can't be blank"]}})
    refused = conduit.call("DELETE", f"/articles/{slug}/comments/{comment['id']}", bob)
    assert refused.status_code == 403 and list(refused.get_json()["errors"]) == ["comment"]
    assert conduit.call("DELETE", f"/articles/{slug}/comments/{comment['id']}", anna).status_code == 204
    assert conduit.call("DELETE", f"/articles/{slug}/comments/{later['comment']['id']}", jake).status_code == 204
    assert conduit.call("GET", f"/articles/{slug}/comments").get_json() == {"comments": []}
    other = conduit.article(anna, "Other")["slug"]
    kept = conduit.call("POST", f"/articles/{other}/comments", bob, json={"comment": {"body": "x"}}).get_json()
    wrong = conduit.call("DELETE", f"/articles/{slug}/comments/{kept['comment']['id']}", jake)
    assert (wrong.status_code, wrong.get_json()) == (404, {"errors": {"comment": ["not found"]}})
    assert conduit.call("POST", f"/articles/{slug}/comments", json={"comment": {"body": "x"}}).status_code == 401


def test_lists_filter_by_tag_author_and_favorited_and_page_with_the_full_count(conduit):
    jake, anna = conduit.register("jake"), conduit.register("anna")
    made = [conduit.article(jake if n % 2 else anna, f"Article {n}", tags=("even",) if n % 2 == 0 else ("odd",))
            for n in range(7)]
    slugs = [a["slug"] for a in made]
    for slug in slugs[:3]:
        conduit.call("POST", f"/articles/{slug}/favorite", jake)

    def listed(query: str, token=None):
        body = conduit.check(conduit.call("GET", f"/articles?{query}", token), "GetArticles", 200)
        return [a["slug"] for a in body["articles"]], body["articlesCount"]

    assert listed("") == (slugs[::-1], 7)
    assert listed("limit=2") == (slugs[::-1][:2], 7)
    assert listed("limit=2&offset=6") == ([slugs[0]], 7)
    assert listed("offset=7") == ([], 7)
    assert listed("tag=EVEN") == ([slugs[6], slugs[4], slugs[2], slugs[0]], 4)
    assert listed("author=Jake") == ([slugs[5], slugs[3], slugs[1]], 3)
    assert listed("favorited=jake") == ([slugs[2], slugs[1], slugs[0]], 3)
    assert listed("favorited=jake&author=anna&limit=1") == ([slugs[2]], 2)
    assert listed("author=nobody") == ([], 0) and listed("tag=none") == ([], 0)
    mine = conduit.call("GET", "/articles?favorited=jake", jake).get_json()["articles"]
    assert all(a["favorited"] for a in mine)
    for query, field in (("limit=0", "limit"), ("limit=101", "limit"), ("offset=-1", "offset"), ("limit=x", "limit")):
        bad = conduit.call("GET", f"/articles?{query}")
        assert bad.status_code == 422 and list(bad.get_json()["errors"]) == [field], query


def test_tags_are_the_most_used_first(conduit):
    jake = conduit.register("jake")
    conduit.article(jake, "One", tags=("dragons", "training"))
    conduit.article(jake, "Two", tags=("dragons",))
    conduit.article(jake, "Three", tags=("angular", "dragons", "training"))
    tags = conduit.check(conduit.call("GET", "/tags"), "GetTags", 200)
    assert tags == {"tags": ["dragons", "training", "angular"]}


def test_conduit_changes_reach_the_feed_outbox_once_each(conduit):
    """A Conduit article or follow feeds the native home feeds as a native one does: one outbox
    entry per real change, in its transaction (a repeated follow or unfollow writes none)."""
    from axa.models.socweb import OutboxEntry
    jake, anna = conduit.register("jake"), conduit.register("anna")
    slug = conduit.article(anna, "Anna one")["slug"]
    for _ in range(2):
        conduit.call("POST", "/profiles/anna/follow", jake)
    for _ in range(2):
        conduit.call("DELETE", "/profiles/anna/follow", jake)
    assert conduit.call("DELETE", f"/articles/{slug}", anna).status_code == 204
    with conduit.apps["socweb"].app_context():
        topics = [e.topic for e in OutboxEntry.query.order_by(OutboxEntry.id)]
    assert [t for t in topics if t.startswith("feed.")] == [
        "feed.post_created", "feed.subscribed", "feed.unsubscribed", "feed.post_deleted"]
    assert [t for t in topics if t.startswith("notify.")] == ["notify.posted", "notify.subscribed"]
