"""Blocks, mutes and reports: a block hides two users from each other on every read path (the
Conduit face included) and ends their subscriptions; a mute hides a user from feeds only; reports
reach the admins, who remove the post, disable the account on the auth server, or dismiss."""
from __future__ import annotations

from tests.blueprints.socweb.auth_server import served
from tests.conftest import PASSWORD, bearer, login, set_settings


def ids(answer) -> list[int]:
    assert answer.status_code == 200, answer.get_json()
    return [item["id"] for item in answer.get_json()]


def people(sign_up):
    return sign_up("Ada", username="ada"), sign_up("Bob", username="bob"), sign_up("Cyd", username="cyd")


def test_a_block_hides_both_users_from_each_other_everywhere(socweb, sign_up, conduit):
    ada, bob, cy = people(sign_up)
    for follower, author in ((bob, "ada"), (ada, "bob")):
        assert socweb.post(f"/api/v1/subscriptions/{author}", headers=follower.headers).status_code == 200
    post = socweb.post("/api/v1/posts", json={"body": "ada's thoughts on #ducks", "title": "Ducks"},
                       headers=ada.headers).get_json()["id"]
    bobs = socweb.post(f"/api/v1/posts/{post}/comments", json={"body": "bob agrees"}, headers=bob.headers)
    assert bobs.status_code == 201
    assert ids(socweb.get("/api/v1/feed", headers=bob.headers)) == [post]

    assert socweb.post("/api/v1/blocks/BOB", headers=ada.headers).status_code == 204
    assert socweb.post("/api/v1/blocks/bob", headers=ada.headers).status_code == 204  # idempotent
    for viewer, other in ((bob, "ada"), (ada, "bob")):
        assert socweb.get(f"/api/v1/profiles/{other}", headers=viewer.headers).status_code == 404
        assert socweb.post(f"/api/v1/subscriptions/{other}", headers=viewer.headers).status_code == 404
        found = socweb.get("/api/v1/search", query_string={"q": other}, headers=viewer.headers).get_json()
        assert found["profiles"] == []
    assert socweb.get(f"/api/v1/posts/{post}", headers=bob.headers).status_code == 404
    assert ids(socweb.get("/api/v1/feed", headers=bob.headers)) == []  # the subscription ended
    assert ids(socweb.get("/api/v1/timelines/public", headers=bob.headers)) == []
    assert ids(socweb.get("/api/v1/tags/ducks/posts", headers=bob.headers)) == []
    assert socweb.get("/api/v1/search", query_string={"q": "ducks"}, headers=bob.headers).get_json()["posts"] == []
    assert ids(socweb.get(f"/api/v1/posts/{post}/comments", headers=ada.headers)) == []  # bob's is hidden
    assert len(ids(socweb.get(f"/api/v1/posts/{post}/comments", headers=cy.headers))) == 1  # not for cy
    assert ids(socweb.get("/api/v1/profiles/ada/subscribers", headers=cy.headers)) == []
    blocked = socweb.get("/api/v1/blocks", headers=ada.headers).get_json()
    assert [b["profile"]["username"] for b in blocked] == ["bob"]
    # the Conduit face, with the same sessions as tokens
    assert conduit.call("GET", "/profiles/ada", bob.session_id).status_code == 404
    assert conduit.call("GET", "/articles", bob.session_id).get_json()["articlesCount"] == 0
    assert conduit.call("GET", "/articles", cy.session_id).get_json()["articlesCount"] == 1
    slug = conduit.call("GET", "/articles", cy.session_id).get_json()["articles"][0]["slug"]
    assert conduit.call("GET", f"/articles/{slug}", bob.session_id).status_code == 404
    assert conduit.call("GET", f"/articles/{slug}/comments", ada.session_id).get_json()["comments"] == []

    assert socweb.delete("/api/v1/blocks/bob", headers=ada.headers).status_code == 204
    assert socweb.get("/api/v1/profiles/ada", headers=bob.headers).status_code == 200
    assert ids(socweb.get("/api/v1/feed", headers=bob.headers)) == []  # subscriptions do not come back


def test_a_mute_hides_a_user_from_feeds_only_and_can_expire(apps, socweb, sign_up):
    ada, bob, _ = people(sign_up)
    assert socweb.post("/api/v1/subscriptions/ada", headers=bob.headers).status_code == 200
    post = socweb.post("/api/v1/posts", json={"body": "quack #ducks"}, headers=ada.headers).get_json()["id"]
    muted = socweb.post("/api/v1/mutes/ada", json={"duration": 3600}, headers=bob.headers)
    assert muted.status_code == 200 and muted.get_json()["expires_at"] is not None
    assert ids(socweb.get("/api/v1/feed", headers=bob.headers)) == []
    assert ids(socweb.get("/api/v1/timelines/public", headers=bob.headers)) == []
    assert ids(socweb.get("/api/v1/tags/ducks/posts", headers=bob.headers)) == []
    assert socweb.get(f"/api/v1/posts/{post}", headers=bob.headers).status_code == 200  # not hidden elsewhere
    assert ids(socweb.get("/api/v1/profiles/ada/posts", headers=bob.headers)) == [post]
    assert [m["profile"]["username"] for m in socweb.get("/api/v1/mutes", headers=bob.headers).get_json()] == ["ada"]
    with apps["socweb"].app_context():  # the hour passes
        from sqlalchemy import text

        from axa.models.socweb import db
        db.session.execute(text("UPDATE mutes SET expires_at = now() - interval '1 second'"))
        db.session.commit()
    assert ids(socweb.get("/api/v1/feed", headers=bob.headers)) == [post]
    assert socweb.get("/api/v1/mutes", headers=bob.headers).get_json() == []
    forever = socweb.post("/api/v1/mutes/ada", json={}, headers=bob.headers)
    assert forever.status_code == 200 and forever.get_json()["expires_at"] is None
    assert ids(socweb.get("/api/v1/feed", headers=bob.headers)) == []
    assert socweb.delete("/api/v1/mutes/ada", headers=bob.headers).status_code == 204
    assert ids(socweb.get("/api/v1/feed", headers=bob.headers)) == [post]
    for path in ("/api/v1/mutes/bob", "/api/v1/blocks/bob"):
        assert socweb.post(path, json={}, headers=bob.headers).status_code == 422  # yourself
    assert socweb.post("/api/v1/mutes/nobody", json={}, headers=bob.headers).status_code == 404
    assert socweb.post("/api/v1/mutes/ada", json={"duration": 5}, headers=bob.headers).status_code == 422


def test_reports_reach_the_admins_who_resolve_them(apps, socweb, sign_up):
    ada, bob, cy = people(sign_up)
    post = socweb.post("/api/v1/posts", json={"body": "buy cheap pills"}, headers=ada.headers).get_json()["id"]
    made = socweb.post("/api/v1/reports", json={"post_id": post, "category": "spam", "comment": "spam"},
                       headers=bob.headers)
    assert made.status_code == 201 and made.get_json()["status"] == "open"
    profile = socweb.post("/api/v1/reports", json={"username": "ada", "category": "abuse"}, headers=cy.headers)
    assert profile.status_code == 201
    for body in ({"category": "spam"}, {"post_id": post, "username": "ada", "category": "spam"},
                 {"post_id": post, "category": "rude"}, {"username": "bob", "category": "spam"}):
        assert socweb.post("/api/v1/reports", json=body, headers=bob.headers).status_code == 422, body
    assert socweb.post("/api/v1/reports", json={"post_id": 999999, "category": "spam"},
                       headers=bob.headers).status_code == 404
    assert socweb.get("/api/v1/admin/reports", headers=bob.headers).status_code == 403

    auth = apps["auth"]
    assert auth.test_cli_runner().invoke(args=["create-admin", "mod@example.com", "--password", PASSWORD]).exit_code == 0
    admin = bearer(login(auth.test_client(use_cookies=False), email="mod@example.com").get_json()["session_id"])
    assert socweb.get("/api/v1/me", headers=admin).status_code == 200  # the admin reached socweb
    queue = socweb.get("/api/v1/admin/reports", headers=admin).get_json()
    assert [r["category"] for r in queue] == ["abuse", "spam"]
    removed = socweb.post(f"/api/v1/admin/reports/{made.get_json()['id']}/resolve",
                          json={"action": "remove_post", "note": "spam"}, headers=admin)
    assert removed.status_code == 200 and removed.get_json()["status"] == "resolved"
    assert socweb.get(f"/api/v1/posts/{post}").status_code == 404
    again = socweb.post(f"/api/v1/admin/reports/{made.get_json()['id']}/resolve", json={"action": "dismiss"},
                        headers=admin)
    assert again.status_code == 409 and again.get_json()["reason"] == "report_closed"
    report_id = profile.get_json()["id"]
    no_post = socweb.post(f"/api/v1/admin/reports/{report_id}/resolve", json={"action": "remove_post"}, headers=admin)
    assert no_post.status_code == 422
    set_settings(apps["socweb"], auth_url="http://127.0.0.1:9")  # auth down: nothing changes
    down = socweb.post(f"/api/v1/admin/reports/{report_id}/resolve", json={"action": "disable_account"},
                       headers=admin)
    assert down.status_code == 503
    assert socweb.get("/api/v1/admin/reports", headers=admin).get_json()[0]["id"] == report_id  # still open
    with served(auth) as base:
        set_settings(apps["socweb"], auth_url=base)
        disabled = socweb.post(f"/api/v1/admin/reports/{report_id}/resolve", json={"action": "disable_account"},
                               headers=admin)
    assert disabled.status_code == 200 and disabled.get_json()["action"] == "disable_account"
    assert login(auth.test_client(use_cookies=False), email=ada.email).status_code == 401
    assert socweb.get("/api/v1/profiles/ada").status_code == 404
    done = socweb.get("/api/v1/admin/reports", query_string={"status": "resolved"}, headers=admin).get_json()
    assert len(done) == 2


def test_no_notifications_from_a_user_you_block_or_mute(socweb, sign_up):
    ada, bob, cyd = people(sign_up)
    post = socweb.post("/api/v1/posts", json={"body": "hello"}, headers=ada.headers).get_json()["id"]

    def kinds(who) -> list[tuple[str, str]]:
        listed = socweb.get("/api/v1/notifications", headers=who.headers)
        assert listed.status_code == 200, listed.get_json()
        return [(n["type"], n["actor"]["username"]) for n in listed.get_json()]

    assert socweb.post(f"/api/v1/likes/{post}", headers=cyd.headers).status_code in (200, 201)
    assert kinds(ada) == [("like", "cyd")]
    assert socweb.post("/api/v1/mutes/cyd", json={}, headers=ada.headers).status_code == 200
    assert kinds(ada) == []  # an earlier one is hidden too
    assert socweb.get("/api/v1/notifications/unread_count", headers=ada.headers).get_json()["count"] == 0
    assert socweb.post("/api/v1/subscriptions/ada", headers=cyd.headers).status_code == 200
    assert socweb.delete("/api/v1/mutes/cyd", headers=ada.headers).status_code == 204
    assert kinds(ada) == [("like", "cyd")]  # made while muted: never made
    assert socweb.post("/api/v1/blocks/bob", headers=ada.headers).status_code == 204
    mention = socweb.post("/api/v1/posts", json={"body": "hi @ada"}, headers=bob.headers)
    assert mention.status_code == 201
    assert kinds(ada) == [("like", "cyd")]
