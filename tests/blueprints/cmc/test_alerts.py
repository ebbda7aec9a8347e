"""Price alerts API: create on a coin (CMC id or symbol) or a stocks symbol, armed from the latest
quote; read, list, change, pause, re-arm, delete; the limit of active alerts; bad input answered
422 with a ``reason``; the in-app events with keyset pages, the unread count and mark-read."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from axa.clients.records import QuoteRecord
from axa.models import latest_quotes
from axa.models.cmc.alert_settings import AlertSettings
from axa.platform.redis_client import client_for
from axa.tasks.cmc.alerts import evaluate_quotes
from tests.conftest import bearer, login, register

STOCK = "ALRTSTK"
emails = itertools.count()


@pytest.fixture(scope="module")
def stock(cmc):
    now = datetime.now(UTC)
    record = QuoteRecord("fmp", STOCK, Decimal("50"), "currency", now, "instant", now, "test",
                         quote_currency="USD", change_pct=Decimal("1.5"))
    latest_quotes.write(client_for(cmc.apps["cmc"].config["AXA"].redis_url), [record], "fmp.quotes", 300,
                        index_ids=True)
    return STOCK


class Owner:
    def __init__(self, cmc):
        self.cmc = cmc
        auth = cmc.apps["auth"].test_client(use_cookies=False)
        email = f"alerter{next(emails)}@example.com"
        assert register(auth, email=email).status_code == 201
        self.headers = bearer(login(auth, email=email).get_json()["session_id"])

    def call(self, method: str, path: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return getattr(self.cmc.client("cmc"), method)(f"/api/v1{path}", headers=headers, **kwargs)

    def create(self, **body):
        return self.call("post", "/alerts", json={"coin_id": 1, "condition": "price_above", "level": "1", **body})


@pytest.fixture
def owner(cmc, stock):
    return Owner(cmc)


@pytest.fixture
def limit(cmc):
    app = cmc.apps["cmc"]
    app.extensions["cmc_alerts"] = AlertSettings(active_max=2)
    yield
    del app.extensions["cmc_alerts"]


def btc_price(cmc) -> Decimal:
    return Decimal(latest_quotes.read_one(client_for(cmc.apps["cmc"].config["AXA"].redis_url), "cmc", "1")["price"])


def test_create_read_change_pause_delete_and_only_the_owner_sees_it(cmc, owner):
    created = owner.create(level="0.0001", channels=["in_app", "mail"], note="moon")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["kind"], body["coin_id"], body["symbol"], body["status"]) == ("coin", 1, "BTC", "active")
    assert (body["side"], body["level"], body["channels"], body["fired_count"]) == ("above", "0.0001",
                                                                                  ["in_app", "mail"], 0)
    assert owner.call("get", f"/alerts/{body['id']}").get_json() == body
    assert [a["id"] for a in owner.call("get", "/alerts").get_json()] == [body["id"]]
    far = str(btc_price(cmc) * 10)
    changed = owner.call("patch", f"/alerts/{body['id']}", json={"level": far, "status": "paused"}).get_json()
    assert (changed["side"], changed["status"], Decimal(changed["level"])) == ("below", "paused", Decimal(far))
    assert owner.call("get", "/alerts", query_string={"status": "active"}).get_json() == []
    stranger = Owner(cmc)
    assert stranger.call("get", f"/alerts/{body['id']}").status_code == 404
    assert stranger.call("delete", f"/alerts/{body['id']}").status_code == 404
    assert owner.call("delete", f"/alerts/{body['id']}").status_code == 204
    assert owner.call("get", f"/alerts/{body['id']}").status_code == 404


def test_targets_by_coin_symbol_and_stock_symbol_and_change_alerts(cmc, owner):
    by_symbol = owner.call("post", "/alerts", json={"coin_symbol": " btc ", "condition": "change_any",
                                                    "threshold_pct": "5", "window": "1h"}).get_json()
    assert (by_symbol["coin_id"], by_symbol["window"], by_symbol["level"]) == (1, "1h", None)
    assert by_symbol["side"] in ("beyond", "within")
    on_stock = owner.call("post", "/alerts", json={"symbol": STOCK.lower(), "condition": "price_below",
                                                   "level": "40", "recurring": True, "cooldown_s": 600})
    assert on_stock.status_code == 201, on_stock.get_json()
    assert {k: on_stock.get_json()[k] for k in ("kind", "coin_id", "symbol", "side", "recurring")} == {
        "kind": "stock", "coin_id": None, "symbol": STOCK, "side": "above", "recurring": True}
    default = owner.call("post", "/alerts", json={"symbol": STOCK, "condition": "change_up", "threshold_pct": "2"})
    assert (default.get_json()["window"], default.get_json()["side"]) == ("24h", "within")


@pytest.mark.parametrize(("body", "reason", "field"), [
    ({"coin_id": 999999999}, "unknown_coin", "coin_id"),
    ({"coin_id": None, "coin_symbol": "NOPE-NOT-A-COIN"}, "unknown_coin", "coin_symbol"),
    ({"coin_id": None, "symbol": "NOSUCHSTOCK"}, "unknown_symbol", "symbol"),
    ({"level": "0"}, "bad_level", "level"),
    ({"level": "-5"}, "bad_level", "level"),
    ({"level": None}, "bad_level", "level"),
    ({"threshold_pct": "5"}, "bad_threshold", "threshold_pct"),
    ({"condition": "change_up", "level": None}, "bad_threshold", "threshold_pct"),
    ({"condition": "change_up", "level": None, "threshold_pct": "10001"}, "bad_threshold", "threshold_pct"),
    ({"condition": "change_up", "threshold_pct": "3"}, "bad_level", "level"),
    ({"coin_id": None, "symbol": STOCK, "condition": "change_up", "level": None, "threshold_pct": "3",
      "window": "1h"}, "window_unavailable", "window"),
    ({"recurring": True, "cooldown_s": 5}, "bad_cooldown", "cooldown_s"),
])
def test_bad_input_is_422_with_a_reason(cmc, owner, body, reason, field):
    sent = {"coin_id": 1, "condition": "price_above", "level": "1", **body}
    answer = owner.call("post", "/alerts", json={k: v for k, v in sent.items() if v is not None})
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["reason"] == reason and field in answer.get_json()["errors"]["json"]


@pytest.mark.parametrize("body", [
    {"coin_id": 1, "symbol": STOCK, "condition": "price_above", "level": "1"},
    {"condition": "price_above", "level": "1"},
    {"coin_id": 1, "condition": "price_sideways", "level": "1"},
    {"coin_id": 1, "condition": "price_above", "level": "1", "channels": []},
    {"coin_id": 1, "condition": "price_above", "level": "1", "channels": ["mail", "mail"]},
    {"coin_id": 1, "condition": "price_above", "level": "1", "channels": ["sms"]},
    {"coin_id": 1, "condition": "price_above", "level": "NaN"},
    {"coin_id": 1, "condition": "price_above", "level": "1e30"},
])
def test_malformed_bodies_are_422(cmc, owner, body):
    assert owner.call("post", "/alerts", json=body).status_code == 422


def test_the_limit_of_active_alerts(cmc, owner, limit):
    first, _ = owner.create().get_json(), owner.create()
    refused = owner.create()
    assert refused.status_code == 409 and refused.get_json()["reason"] == "alert_limit"
    assert owner.call("patch", f"/alerts/{first['id']}", json={"status": "paused"}).status_code == 200
    assert owner.create().status_code == 201  # paused ones do not count
    again = owner.call("patch", f"/alerts/{first['id']}", json={"status": "active"})
    assert again.status_code == 409 and again.get_json()["reason"] == "alert_limit"


def test_an_idempotency_key_creates_once(cmc, owner):
    key = {"Idempotency-Key": "alert-1"}
    first, second = (owner.call("post", "/alerts", headers=key, json={"coin_id": 1, "condition": "price_above",
                                                                      "level": "3"}) for _ in range(2))
    assert first.get_json()["id"] == second.get_json()["id"]
    assert len(owner.call("get", "/alerts").get_json()) == 1


def fire_all(cmc, price: Decimal) -> None:
    as_of = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    with cmc.apps["cmc"].app_context():
        evaluate_quotes([["cmc:1", str(price), None, None, as_of]])


def test_events_pages_unread_count_and_mark_read(cmc, owner):
    high = btc_price(cmc) * 2
    ids = [owner.create(level=str(high + i)).get_json()["id"] for i in range(3)]
    owner.create(level=str(high), channels=["mail"])  # fires, but not in the app
    assert owner.call("get", "/alerts/events/unread").get_json() == {"unread": 0}
    fire_all(cmc, high * 2)
    assert owner.call("get", "/alerts/events/unread").get_json() == {"unread": 3}
    page = owner.call("get", "/alerts/events", query_string={"limit": 2})
    events = page.get_json()
    assert [e["alert_id"] for e in events] == ids[::-1][:2] and 'rel="next"' in page.headers["Link"]
    assert events[0]["read"] is False and Decimal(events[0]["price"]) == high * 2 and events[0]["mail"] is None
    older = owner.call("get", "/alerts/events", query_string={"limit": 2, "max_id": events[-1]["id"]})
    assert len(older.get_json()) == 1 and 'rel="next"' not in older.headers["Link"]
    marked = owner.call("post", "/alerts/events/read", json={"ids": [events[0]["id"], 10**12]})
    assert marked.get_json() == {"marked": 1, "unread": 2}
    unread = owner.call("get", "/alerts/events", query_string={"unread": "true"}).get_json()
    assert [e["id"] for e in unread] == [e["id"] for e in (events[1], *older.get_json())]
    assert owner.call("post", "/alerts/events/read", json={"up_to_id": events[0]["id"]}).get_json() == {
        "marked": 2, "unread": 0}
    assert Owner(cmc).call("get", "/alerts/events").get_json() == []
    assert owner.call("post", "/alerts/events/read", json={}).status_code == 422
    fired = owner.call("get", f"/alerts/{ids[0]}").get_json()
    assert (fired["status"], fired["fired_count"], fired["side"]) == ("triggered", 1, "above")
