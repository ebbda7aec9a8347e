"""The cmc alert operations on a real alert and real events (generated ids rarely exist, so
test_specs.py mostly sees their 404): each answers its success status and holds its spec. The
alerts belong to a user of their own, so the alerts the generated requests made do not count
against the limit."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from axa.tasks.cmc.alerts import evaluate_quotes
from tests.conftest import bearer, login, register
from tests.openapi.checks import json_headers_conform, success_status_documented
from tests.openapi.specs import SPECS

CHECKS = [json_headers_conform, success_status_documented]
ONE = "/api/v1/alerts/{alert_id}"


@pytest.fixture(scope="module")
def alerter(callers):
    auth = callers.market.apps["auth"].test_client(use_cookies=False)
    assert register(auth, email="alerter@example.com").status_code == 201
    return bearer(login(auth, email="alerter@example.com").get_json()["session_id"])


def call(method: str, path: str, status: int, headers: dict, **parts):
    case = SPECS["cmc"][path][method].Case(**parts)
    response = case.call_and_validate(headers=headers, additional_checks=CHECKS)
    assert response.status_code == status, f"{method} {path}: {response.text[:500]}"
    return response


def test_every_alert_operation_on_a_real_alert_holds_its_spec(callers, alerter):
    symbol = callers.market.data["symbols"][0]
    created = call("POST", "/api/v1/alerts", 201, alerter, body={
        "coin_id": 1, "condition": "price_above", "level": "1000000000", "channels": ["in_app", "mail"]}).json()
    call("POST", "/api/v1/alerts", 201, alerter, body={"symbol": symbol, "condition": "change_any",
                                                        "threshold_pct": "2.5", "recurring": True})
    on_it = {"path_parameters": {"alert_id": created["id"]}}
    assert len(call("GET", "/api/v1/alerts", 200, alerter, query={"limit": 1}).json()) == 1
    call("GET", ONE, 200, alerter, **on_it)
    call("PATCH", ONE, 200, alerter, body={"note": "far", "status": "paused"}, **on_it)
    call("PATCH", ONE, 200, alerter, body={"status": "active"}, **on_it)
    with callers.market.apps["cmc"].app_context():
        as_of = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
        assert evaluate_quotes([["cmc:1", "2000000000", "1", "1", as_of]])["fired"] == 1
    events = call("GET", "/api/v1/alerts/events", 200, alerter, query={"unread": True}).json()
    assert [e["alert_id"] for e in events] == [created["id"]]
    assert call("GET", "/api/v1/alerts/events/unread", 200, alerter).json() == {"unread": 1}
    call("POST", "/api/v1/alerts/events/read", 200, alerter, body={"up_to_id": events[0]["id"]})
    call("DELETE", ONE, 204, alerter, **on_it)
    assert call("GET", "/api/v1/alerts/events", 200, alerter).json()[0]["alert_id"] == created["id"]
