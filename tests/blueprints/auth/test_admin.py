"""Admin: list users, change status and roles; the create-admin CLI."""
import json

from axa.models.auth import User, db
from tests.conftest import PASSWORD, bearer, login, register

OTHERS = ("socweb", "stocks", "cmc", "stream", "terminal")


def _admin(auth_app, client, email="root@example.com"):
    runner = auth_app.test_cli_runner()
    result = runner.invoke(args=["create-admin", email, "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    return login(auth_app.test_client(use_cookies=False), email=email).get_json()["session_id"]


def test_cli_creates_admin_who_can_list_users(auth_app, client):
    for i in range(3):
        register(client, email=f"user{i}@example.com")
    sid = _admin(auth_app, client)
    page = client.get("/api/v1/auth/users?page=1&page_size=2", headers=bearer(sid))
    assert page.status_code == 200 and len(page.get_json()) == 2
    assert json.loads(page.headers["X-Pagination"])["total"] == 4
    found = client.get("/api/v1/auth/users?email=USER1", headers=bearer(sid)).get_json()
    assert [u["email"] for u in found] == ["user1@example.com"]


def test_non_admin_gets_403_and_anonymous_401(client):
    register(client)
    sid = login(client).get_json()["session_id"]
    assert client.get("/api/v1/auth/users", headers=bearer(sid)).status_code == 403
    assert client.patch("/api/v1/auth/users/1", json={"status": "disabled"}, headers=bearer(sid)).status_code == 403
    assert client.get("/api/v1/auth/users", headers={"Cookie": ""}).status_code == 403  # cookie jar
    anonymous = client.application.test_client(use_cookies=False)
    assert anonymous.get("/api/v1/auth/users").status_code == 401


def test_disable_ends_every_session_everywhere_and_syncs(auth_app, client, clients):
    register(client, email="victim@example.com")
    victim = login(auth_app.test_client(use_cookies=False), email="victim@example.com").get_json()
    sid = _admin(auth_app, client)
    for sub in OTHERS:
        assert clients[sub].get("/api/v1/me", headers=bearer(victim["session_id"])).status_code == 200
    uid = victim["user"]["id"]
    response = client.patch(f"/api/v1/auth/users/{uid}", json={"status": "disabled"}, headers=bearer(sid))
    assert response.status_code == 200 and response.get_json()["status"] == "disabled"
    assert client.get("/api/v1/auth/me", headers=bearer(victim["session_id"])).status_code == 401
    for sub in OTHERS:
        assert clients[sub].get("/api/v1/me", headers=bearer(victim["session_id"])).status_code == 401
    assert login(client, email="victim@example.com").status_code == 401


def test_patch_validates_input_and_404s(auth_app, client):
    sid = _admin(auth_app, client)
    assert client.patch("/api/v1/auth/users/999", json={"status": "active"}, headers=bearer(sid)).status_code == 404
    bad = client.patch("/api/v1/auth/users/1", json={"status": "banished"}, headers=bearer(sid))
    assert bad.status_code == 422
    extra = client.patch("/api/v1/auth/users/1", json={"is_admin": True}, headers=bearer(sid))
    assert extra.status_code == 422


def test_roles_change_bumps_version(auth_app, client):
    register(client, email="promote@example.com")
    sid = _admin(auth_app, client)
    with auth_app.app_context():
        user = User.by_email("promote@example.com")
        uid, version = user.id, user.version
        db.session.rollback()
    body = client.patch(f"/api/v1/auth/users/{uid}", json={"roles": ["admin"]}, headers=bearer(sid)).get_json()
    assert body["roles"] == ["admin"] and body["version"] == version + 1
