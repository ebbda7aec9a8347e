"""Subscriber-only posts never show through the Conduit face to anyone but the author and their
subscribers (no list, count, filter, feed, read, comment list or favorite, nor the tags list);
posts without a title, and authors who have no username, stay on the native API only."""
from __future__ import annotations

from tests.blueprints.socweb.conduit_support import make_post
from tests.conftest import register


def _listed(conduit, query: str = "", token=None, path: str = "/articles") -> tuple[list[str], int]:
    body = conduit.check(conduit.call("GET", f"{path}?{query}", token),
                         "GetArticlesFeed" if path.endswith("feed") else "GetArticles", 200)
    return [a["title"] for a in body["articles"]], body["articlesCount"]


def test_subscriber_only_posts_reach_only_the_author_and_subscribers(conduit):
    jake, anna, bob = conduit.register("jake"), conduit.register("anna"), conduit.register("bob")
    conduit.call("POST", "/profiles/jake/follow", anna)
    make_post(conduit.apps, "jake", "Public", tags=("open",))
    secret_id = make_post(conduit.apps, "jake", "Secret", visibility="subscribers", tags=("hidden", "open"))
    slug = f"secret-{secret_id}"
    for token in (None, bob):
        assert _listed(conduit, token=token) == (["Public"], 1)
        assert _listed(conduit, "author=jake", token) == (["Public"], 1)
        assert _listed(conduit, "tag=hidden", token) == ([], 0)
        assert _listed(conduit, "tag=open", token) == (["Public"], 1)
        for method, path in (("GET", ""), ("GET", "/comments"), ("POST", "/favorite"), ("PUT", "")):
            answer = conduit.call(method, f"/articles/{slug}{path}", token, json={"article": {"title": "x"}})
            assert answer.status_code == (401 if token is None and method != "GET" else 404), (method, path)
    conduit.call("POST", "/articles/" + slug + "/favorite", anna)
    assert _listed(conduit, "favorited=anna", bob) == ([], 0)
    assert _listed(conduit, token=bob, path="/articles/feed") == ([], 0)
    for token in (anna, jake):
        assert _listed(conduit, token=token) == (["Secret", "Public"], 2)
        assert conduit.call("GET", f"/articles/{slug}", token).get_json()["article"]["title"] == "Secret"
    assert _listed(conduit, token=anna, path="/articles/feed") == (["Secret", "Public"], 2)
    assert _listed(conduit, "favorited=anna", anna) == (["Secret"], 1)
    assert conduit.call("GET", "/tags", anna).get_json() == {"tags": ["open"]}  # never a secret post's tag
    conduit.call("DELETE", "/profiles/jake/follow", anna)
    assert _listed(conduit, token=anna) == (["Public"], 1)
    assert conduit.call("GET", f"/articles/{slug}", anna).status_code == 404


def test_posts_without_title_and_authors_without_username_stay_native(conduit):
    jake = conduit.register("jake")
    make_post(conduit.apps, "jake", None, body="A status update #news")
    ada = register(conduit.apps["auth"].test_client(), email="ada@example.com", name="Ada").get_json()["id"]
    make_post(conduit.apps, ada, "By someone without a username", tags=("ada",))  # synced, no username yet
    conduit.article(jake, "Titled")
    assert _listed(conduit) == (["Titled"], 1)
    assert conduit.call("GET", "/tags").get_json() == {"tags": ["dragons", "training"]}
    assert conduit.call("GET", "/profiles/ada").status_code == 404
