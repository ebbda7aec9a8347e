"""Confirm and reset tokens: lifetimes enforced by the clock the code reads (security.md item 24,
decision 9: confirm 24 h, reset 30 min), entropy from ``secrets`` (item 22: at least 128 bits), and
429 with Retry-After for registration and reset requests."""
import base64
import secrets
from datetime import timedelta

from tests.conftest import bearer, login, mails, register, set_settings, token_from

NEW = "a brand new passphrase 42"
START = 1_900_000_000.0  # the frozen clock's start (2030), far from the real time the rows get


def _frozen(clients) -> list[float]:
    """One clock for all six apps, moved by hand (``AXA_CLOCK``, the clock sessions use too)."""
    clock = [START]
    for client in clients.values():
        client.application.config["AXA_CLOCK"] = lambda: clock[0]
    return clock


def _latest(email: str, subject: str) -> str:
    return token_from([m for m in mails(email) if subject in m["Subject"]][-1])


def _confirm(client, token):
    return client.post("/api/v1/auth/confirm", json={"token": token}).status_code


def _reset(client, token):
    return client.post("/api/v1/auth/password/reset", json={"token": token, "password": NEW}).status_code


def test_confirm_links_live_24_hours_by_the_clock(client, clients):
    clock = _frozen(clients)
    register(client, email="early@example.com")
    register(client, email="late@example.com")
    early, late = (_latest(e, "Confirm") for e in ("early@example.com", "late@example.com"))
    clock[0] = START + timedelta(hours=24).total_seconds() - 1
    assert _confirm(client, early) == 200
    clock[0] = START + timedelta(hours=24).total_seconds()
    assert _confirm(client, late) == 400


def test_reset_links_live_30_minutes_by_the_clock(client, clients):
    clock = _frozen(clients)
    for email in ("early@example.com", "late@example.com"):
        register(client, email=email)
        client.post("/api/v1/auth/password/forgot", json={"email": email})
    early, late = (_latest(e, "Reset") for e in ("early@example.com", "late@example.com"))
    clock[0] = START + timedelta(minutes=30).total_seconds() - 1
    assert _reset(client, early) == 204
    clock[0] = START + timedelta(minutes=30).total_seconds()
    assert _reset(client, late) == 400


def test_tokens_carry_at_least_128_bits_from_secrets(client, clients, monkeypatch):
    drawn = {}
    real = secrets.token_urlsafe

    def spy(nbytes=None):
        token = real(nbytes)
        drawn[token] = nbytes
        return token

    monkeypatch.setattr(secrets, "token_urlsafe", spy)
    register(client)
    for _ in range(60):
        assert client.post("/api/v1/auth/password/forgot", json={"email": "ada@example.com"}).status_code == 202
    tokens = [token_from(m) for m in mails("ada@example.com")]
    sid = login(client).get_json()["session_id"]
    assert client.post("/api/v1/auth/confirm/resend", headers=bearer(sid)).status_code == 202
    tokens.append(_latest("ada@example.com", "Confirm"))
    assert len(set(tokens)) == len(tokens) == 62
    for token in [*tokens, sid]:  # every one came from secrets, 32 random bytes
        assert drawn.get(token) == 32 and len(base64.urlsafe_b64decode(token + "=")) == 32
    ones = sum(bin(b).count("1") for t in tokens for b in base64.urlsafe_b64decode(t + "="))
    assert 0.47 < ones / (len(tokens) * 256) < 0.53  # no stuck bits (15,872 bits; sd 0.004)


def test_registration_is_limited_per_address_with_retry_after(client, auth_app):
    set_settings(auth_app, register_limits="2 per minute")
    codes = [register(client, email=f"user{n}@example.com").status_code for n in range(3)]
    assert codes == [201, 201, 429]
    blocked = register(client, email="another@example.com")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1 and blocked.is_json


def test_reset_requests_are_limited_per_address_with_retry_after(client, auth_app):
    set_settings(auth_app, forgot_limits="2 per minute")
    codes = [client.post("/api/v1/auth/password/forgot", json={"email": f"user{n}@example.com"}).status_code
             for n in range(3)]
    assert codes == [202, 202, 429]
    blocked = client.post("/api/v1/auth/password/forgot", json={"email": "another@example.com"})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1 and blocked.is_json
