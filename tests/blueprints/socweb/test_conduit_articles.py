"""Conduit articles: create, read, update (the slug follows the title), delete, and their errors."""
from __future__ import annotations

import re

from sqlalchemy import select

from axa.models.socweb import Post, PostEdit
from tests.blueprints.socweb.conduit_support import TIMESTAMP

ARTICLE_KEYS = {"slug", "title", "description", "body", "tagList", "createdAt", "updatedAt", "favorited",
                "favoritesCount", "author"}


def test_an_article_is_created_read_and_listed_as_realworld_says(conduit):
    token = conduit.register("jake")
    made = conduit.article(token, tags=("Dragons", "#training", "dragons"), body="Very carefully. #fire")
    assert set(made) == ARTICLE_KEYS
    post_id = int(made["slug"].rsplit("-", 1)[1])
    assert made["slug"] == f"how-to-train-your-dragon-{post_id}"
    assert made | {"slug": None, "createdAt": None, "updatedAt": None} == {
        "slug": None, "title": "How to train your dragon", "description": "Ever wonder how?",
        "body": "Very carefully. #fire", "tagList": ["dragons", "fire", "training"], "createdAt": None,
        "updatedAt": None, "favorited": False, "favoritesCount": 0,
        "author": {"username": "jake", "bio": None, "image": None, "following": False}}
    assert re.match(TIMESTAMP, made["createdAt"]) and re.match(TIMESTAMP, made["updatedAt"])
    read = conduit.check(conduit.call("GET", f"/articles/{made['slug']}"), "GetArticle", 200)
    assert read == {"article": made}
    listed = conduit.check(conduit.call("GET", "/articles"), "GetArticles", 200)
    assert listed["articlesCount"] == 1
    assert listed["articles"] == [{k: v for k, v in made.items() if k != "body"}]
    with conduit.apps["socweb"].app_context():  # the native post it is
        db = conduit.apps["socweb"].extensions["sqlalchemy"]
        post = db.session.get(Post, post_id)
        assert (post.title, post.visibility, post.slug) == ("How to train your dragon", "public",
                                                            "how-to-train-your-dragon")


def test_creating_needs_a_token_and_valid_fields(conduit):
    token = conduit.register("jake")
    body = {"title": "T", "description": "D", "body": "B"}
    missing = conduit.call("POST", "/articles", json={"article": body})
    assert (missing.status_code, missing.get_json()) == (401, {"errors": {"token": ["is missing"]}})
    cases = [
        ({"description": "D", "body": "B"}, {"title": ["can't be blank"]}),
        ({**body, "title": "   "}, {"title": ["can't be blank"]}),
        ({**body, "body": "x" * 5001}, {"body": ["is too long (maximum is 5000 characters)"]}),
        ({**body, "title": "a\x00b"}, {"title": ["must not contain NUL characters"]}),
        ({**body, "tagList": [f"t{n}" for n in range(21)]}, {"tagList": ["has more than 20 tags"]}),
        ({**body, "tagList": [f"t{n}" for n in range(19)], "body": "#one #two"},
         {"tagList": ["has more than 20 tags (with the body's #hashtags)"]}),
        ({**body, "tagList": "dragons"}, {"tagList": ["Not a valid list."]}),
    ]
    for fields, errors in cases:
        answer = conduit.call("POST", "/articles", token, json={"article": fields})
        assert (answer.status_code, answer.get_json()) == (422, {"errors": errors}), fields
    assert conduit.call("GET", "/articles").get_json()["articlesCount"] == 0


def test_two_articles_with_one_title_get_two_slugs(conduit):
    jake, anna = conduit.register("jake"), conduit.register("anna")
    slugs = [conduit.article(token)["slug"] for token in (jake, jake, anna)]
    assert len(set(slugs)) == 3
    for slug in slugs:
        assert conduit.call("GET", f"/articles/{slug}").get_json()["article"]["slug"] == slug


def test_updating_changes_the_slug_with_the_title_and_keeps_the_old_version(conduit):
    token = conduit.register("jake")
    made = conduit.article(token)
    answer = conduit.call("PUT", f"/articles/{made['slug']}", token,
                          json={"article": {"title": "Did you train your dragon?"}})
    updated = conduit.check(answer, "UpdateArticle", 200)["article"]
    post_id = made["slug"].rsplit("-", 1)[1]
    assert updated["slug"] == f"did-you-train-your-dragon-{post_id}"
    assert updated | {"slug": 0, "title": 0, "updatedAt": 0} == made | {"slug": 0, "title": 0, "updatedAt": 0}
    assert updated["updatedAt"] > made["updatedAt"]
    assert conduit.call("GET", f"/articles/{updated['slug']}").status_code == 200
    assert conduit.call("GET", f"/articles/{made['slug']}").status_code == 404  # the old slug
    retagged = conduit.call("PUT", f"/articles/{updated['slug']}", token,
                            json={"article": {"body": "Now with fire.", "tagList": ["fire"]}})
    assert conduit.check(retagged, "UpdateArticle", 200)["article"]["tagList"] == ["fire"]
    with conduit.apps["socweb"].app_context():
        db = conduit.apps["socweb"].extensions["sqlalchemy"]
        kept = db.session.scalars(select(PostEdit.title).where(PostEdit.post_id == int(post_id))
                                  .order_by(PostEdit.id)).all()
    assert kept == ["How to train your dragon", "Did you train your dragon?"]
    blank = conduit.call("PUT", f"/articles/{updated['slug']}", token, json={"article": {"title": ""}})
    assert (blank.status_code, blank.get_json()) == (422, {"errors": {"title": ["can't be blank"]}})


def test_only_the_author_changes_or_deletes_an_article(conduit):
    jake, anna = conduit.register("jake"), conduit.register("anna")
    slug = conduit.article(jake)["slug"]
    for method, kwargs in (("PUT", {"json": {"article": {"title": "Mine now"}}}), ("DELETE", {})):
        refused = conduit.call(method, f"/articles/{slug}", anna, **kwargs)
        assert refused.status_code == 403
        assert refused.get_json() == {"errors": {"article": ["can only be changed by its author"]}}
        assert conduit.call(method, f"/articles/{slug}", **kwargs).status_code == 401
    deleted = conduit.call("DELETE", f"/articles/{slug}", jake)
    assert (deleted.status_code, deleted.get_data()) == (204, b"")
    for method in ("GET", "DELETE"):
        gone = conduit.call(method, f"/articles/{slug}", jake)
        assert (gone.status_code, gone.get_json()) == (404, {"errors": {"article": ["not found"]}})


def test_unknown_slugs_are_404(conduit):
    token = conduit.register("jake")
    slug = conduit.article(token)["slug"]
    post_id = slug.rsplit("-", 1)[1]
    for unknown in ("no-such-article", "x-999999", "x-99999999999999999999", "0", f"other-title-{post_id}",
                    post_id):
        answer = conduit.call("GET", f"/articles/{unknown}")
        assert (answer.status_code, answer.get_json()) == (404, {"errors": {"article": ["not found"]}})
    assert conduit.call("GET", f"/articles/{slug}").status_code == 200
