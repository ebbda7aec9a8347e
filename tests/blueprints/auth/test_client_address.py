"""The client's address behind the proxy (AXA_PROXY_HOPS): per-IP limits, session and audit records
see the real client; forwarded headers from a peer that is not a trusted proxy change nothing."""
import pytest

from axa.apps import create_auth_app
from axa.models.auth import AuthEvent, db
from tests.conftest import bearer, login, register, set_settings

PROXY = "10.0.0.2"  # the peer every request comes from: the proxy in front of the app
ALICE, BOB = "203.0.113.7", "198.51.100.9"


@pytest.fixture
def proxied_app(apps, monkeypatch):
    """An auth app built from an environment that trusts one proxy hop, as production behind Traefik."""
    monkeypatch.setenv("AXA_PROXY_HOPS", "1")
    app = create_auth_app({"TESTING": True})
    yield app
    with app.app_context():
        app.extensions["sqlalchemy"].session.remove()
        app.extensions["sqlalchemy"].engine.dispose()


def _behind_proxy(app, forwarded_for: str):
    client = app.test_client(use_cookies=False)
    client.environ_base.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    return client


def _attempts(client, count: int) -> list[int]:
    return [login(client, email="nobody@example.com", password="wrong password 9").status_code
            for _ in range(count)]


def test_two_clients_behind_one_proxy_get_separate_login_buckets(proxied_app):
    set_settings(proxied_app, login_ip_limits="3 per minute")
    alice = _behind_proxy(proxied_app, ALICE)
    # whatever a client puts in front, the proxy appends the address it saw: the last hop counts
    bob = _behind_proxy(proxied_app, f"{ALICE}, {BOB}")
    assert _attempts(alice, 4) == [401, 401, 401, 429]
    assert _attempts(bob, 4) == [401, 401, 401, 429]


def test_session_and_audit_records_store_the_client_behind_the_proxy(proxied_app):
    client = _behind_proxy(proxied_app, ALICE)
    assert register(client).status_code == 201
    sid = login(client).get_json()["session_id"]
    [row] = client.get("/api/v1/auth/sessions", headers=bearer(sid)).get_json()
    assert row["ip"] == ALICE
    with proxied_app.app_context():
        assert {e.ip for e in db.session.query(AuthEvent)} == {ALICE}


def test_forwarded_for_from_a_peer_that_is_no_proxy_changes_nothing(auth_app):
    """The embedded default trusts no proxy (AXA_PROXY_HOPS=0): a spoofed header is ignored."""
    assert auth_app.config["AXA"].proxy_hops == 0
    set_settings(auth_app, login_ip_limits="3 per minute")
    codes = [login(_behind_proxy(auth_app, f"192.0.2.{n}"), email="nobody@example.com").status_code
             for n in range(4)]
    assert codes == [401, 401, 401, 429]
    set_settings(auth_app, login_ip_limits="100 per minute")
    client = _behind_proxy(auth_app, ALICE)
    assert register(client).status_code == 201
    sid = login(client).get_json()["session_id"]
    [row] = client.get("/api/v1/auth/sessions", headers=bearer(sid)).get_json()
    assert row["ip"] == PROXY
