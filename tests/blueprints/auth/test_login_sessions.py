"""Login, logout, sessions honoured by all six apps, cookies, expiry, rate limits."""
import re

from axa.platform.sessions import SESSION_PREFIX
from tests.conftest import PASSWORD, bearer, login, register, set_settings

OTHERS = ("socweb", "stocks", "cmc", "stream", "terminal")


def _status_everywhere(clients, sid):
    codes = {"auth": clients["auth"].get("/api/v1/auth/me", headers=bearer(sid)).status_code}
    codes.update({sub: clients[sub].get("/api/v1/me", headers=bearer(sid)).status_code for sub in OTHERS})
    return codes


def test_login_returns_session_and_cookie(client):
    register(client)
    response = login(client)
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["session_id"]) >= 43 and body["user"]["email"] == "ada@example.com"
    assert body["expires_at"]
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"axa_session={body['session_id']};")
    attrs = {a.strip().split("=")[0].lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "path", "samesite", "max-age"} <= attrs and "domain" not in attrs
    assert "SameSite=Lax" in cookie and "Path=/" in cookie


def test_production_cookie_is_host_prefixed_and_secure(client, auth_app):
    register(client)
    set_settings(auth_app, env="production")
    cookie = login(client).headers["Set-Cookie"]
    assert cookie.startswith("__Host-axa_session=") and "Secure" in cookie and "Domain" not in cookie


def test_same_message_for_unknown_email_wrong_password_and_disabled(client, auth_app):
    from axa.models.auth import User, db
    register(client)
    register(client, email="off@example.com")
    with auth_app.app_context():
        db.session.query(User).filter_by(email="off@example.com").update({"status": "disabled"})
        db.session.commit()
    answers = [login(client, email="nobody@example.com"), login(client, password="wrong password 1"),
               login(client, email="off@example.com")]
    assert {r.status_code for r in answers} == {401}
    assert len({r.get_data() for r in answers}) == 1


def test_session_works_with_cookie_and_bearer_on_all_six(client, clients):
    register(client)
    sid = login(client).get_json()["session_id"]
    assert client.get("/api/v1/auth/me").status_code == 200  # cookie jar
    assert _status_everywhere(clients, sid) == {"auth": 200, **dict.fromkeys(OTHERS, 200)}


def test_logout_is_seen_by_all_six_apps(client, clients):
    register(client)
    sid = login(client).get_json()["session_id"]
    response = client.post("/api/v1/auth/logout", headers=bearer(sid))
    assert response.status_code == 204
    assert "axa_session=;" in response.headers["Set-Cookie"] and "Max-Age=0" in response.headers["Set-Cookie"]
    assert set(_status_everywhere(clients, sid).values()) == {401}


def test_pre_login_id_is_dead_after_login(client):
    register(client)
    old = login(client).get_json()["session_id"]
    client.set_cookie("axa_session", old)
    new = client.post("/api/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD},
                      headers={"Origin": "http://localhost:8000"}).get_json()["session_id"]
    assert new != old
    assert client.get("/api/v1/auth/me", headers=bearer(old)).status_code == 401
    assert client.get("/api/v1/auth/me", headers=bearer(new)).status_code == 200


def test_forged_and_garbage_ids_get_401(client, clients):
    register(client)
    login(client)
    for bad in ("x", "A" * 43, "A" * 500, "", "' OR 1=1 --"):
        assert clients["socweb"].get("/api/v1/me", headers=bearer(bad)).status_code == 401
    assert clients["stocks"].get("/api/v1/me", headers={"X-User-Id": "1"}).status_code == 401


def test_redis_holds_only_the_hash_of_the_id(client, auth_app):
    from axa.platform.redis_client import client_for
    register(client)
    sid = login(client).get_json()["session_id"]
    r = client_for(auth_app.config["AXA"].redis_url)
    for key in r.scan_iter("*"):
        assert sid not in key
        if key.startswith(SESSION_PREFIX):
            assert sid not in str(r.hgetall(key))


def test_session_list_and_end_one_and_end_others(client, clients, auth_app):
    register(client)
    devices = [auth_app.test_client(use_cookies=False) for _ in range(3)]  # three browsers
    sids = [login(device).get_json()["session_id"] for device in devices]
    listing = client.get("/api/v1/auth/sessions", headers=bearer(sids[0]))
    assert listing.status_code == 200
    rows = listing.get_json()
    assert len(rows) == 3 and sum(r["current"] for r in rows) == 1
    assert not any(sid in str(rows) for sid in sids)
    other = next(r for r in rows if not r["current"])
    assert client.delete(f"/api/v1/auth/sessions/{other['handle']}", headers=bearer(sids[0])).status_code == 204
    assert len(client.get("/api/v1/auth/sessions", headers=bearer(sids[0])).get_json()) == 2
    assert client.delete("/api/v1/auth/sessions/nope", headers=bearer(sids[0])).status_code == 404
    assert client.delete("/api/v1/auth/sessions", headers=bearer(sids[0])).status_code == 204
    alive = [sid for sid in sids if set(_status_everywhere(clients, sid).values()) == {200}]
    assert alive == [sids[0]]
    assert {v for sid in sids[1:] for v in _status_everywhere(clients, sid).values()} == {401}


def test_idle_timeout(client, auth_app, clients):
    clock = [1_000_000.0]
    for app in clients:
        clients[app].application.config["AXA_CLOCK"] = lambda: clock[0]
    register(client)
    sid = login(client).get_json()["session_id"]
    idle = auth_app.config["AXA"].session_idle_seconds
    clock[0] += idle - 5
    assert client.get("/api/v1/auth/me", headers=bearer(sid)).status_code == 200  # activity refreshes
    clock[0] += idle - 5
    assert clients["cmc"].get("/api/v1/me", headers=bearer(sid)).status_code == 200
    clock[0] += idle + 1
    assert client.get("/api/v1/auth/me", headers=bearer(sid)).status_code == 401


def test_absolute_lifetime_even_when_busy(client, auth_app, clients):
    clock = [1_000_000.0]
    for app in clients:
        clients[app].application.config["AXA_CLOCK"] = lambda: clock[0]
    register(client)
    sid = login(client).get_json()["session_id"]
    settings = auth_app.config["AXA"]
    step = settings.session_idle_seconds // 2
    while clock[0] + step < 1_000_000.0 + settings.session_absolute_seconds:
        clock[0] += step
        assert clients["stream"].get("/api/v1/me", headers=bearer(sid)).status_code == 200
    clock[0] = 1_000_000.0 + settings.session_absolute_seconds + 1
    assert clients["stream"].get("/api/v1/me", headers=bearer(sid)).status_code == 401


def test_session_ids_are_distinct_and_long(client, auth_app):
    register(client)
    device = auth_app.test_client(use_cookies=False)
    sids = {login(device).get_json()["session_id"] for _ in range(50)}
    assert len(sids) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_\-]{43}", s) for s in sids)


def test_login_rate_limit_per_account_gives_429_with_retry_after(client, auth_app):
    set_settings(auth_app, login_limits="3 per minute")
    register(client)
    codes = [login(client, password="wrong password x").status_code for _ in range(3)]
    assert codes == [401, 401, 401]
    blocked = login(client)  # even the right password waits
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    assert blocked.get_json()["code"] == 429


def test_login_rate_limit_per_ip_across_accounts(client, auth_app):
    set_settings(auth_app, login_ip_limits="5 per minute")
    codes = [login(client, email=f"u{i}@example.com").status_code for i in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429


def test_me_without_session_is_401_json(client):
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401 and response.is_json
    assert response.get_json()["message"] == "Authentication required."


def test_login_audit_trail(client, auth_app):
    from axa.models.auth import AuthEvent, db
    register(client)
    login(client, password="wrong password 2")
    sid = login(client, password=PASSWORD).get_json()["session_id"]
    client.post("/api/v1/auth/logout", headers=bearer(sid))
    with auth_app.app_context():
        kinds = [e.kind for e in db.session.query(AuthEvent).order_by(AuthEvent.id)]
    assert kinds == ["login_failed", "login", "logout"]
