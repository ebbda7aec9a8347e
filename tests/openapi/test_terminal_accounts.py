"""The terminal's paper-account operations on a real account (generated ids rarely exist, so
test_specs.py mostly sees their 404): each answers its success status and holds its spec, from the
create and the clone through reset, activities, the portfolio history and the change to the close. The accounts belong to
a user of their own, so those the generated requests opened do not count against the limit."""
from __future__ import annotations

import pytest

from tests.conftest import bearer, login, register
from tests.openapi.checks import json_headers_conform, success_status_documented
from tests.openapi.specs import SPECS

CHECKS = [json_headers_conform, success_status_documented]
ACCOUNT = "/api/v1/accounts/{account_id}"


@pytest.fixture(scope="module")
def trader(callers):
    auth = callers.market.apps["auth"].test_client(use_cookies=False)
    assert register(auth, email="trader@example.com").status_code == 201
    return bearer(login(auth, email="trader@example.com").get_json()["session_id"])


def call(method: str, path: str, status: int, headers: dict, **parts):
    case = SPECS["terminal"][path][method].Case(**parts)
    response = case.call_and_validate(headers=headers, additional_checks=CHECKS)
    assert response.status_code == status, f"{method} {path}: {response.text[:500]}"
    return response


def test_every_account_operation_on_a_real_account_holds_its_spec(trader):
    created = call("POST", "/api/v1/accounts", 201, trader,
                   body={"name": "Spec", "account_type": "margin", "starting_cash": "1000.50"}).json()
    assert created["buying_power"] == "2001.00"
    clone = call("POST", "/api/v1/accounts", 201, trader, body={"name": "Spec clone", "clone_of": created["id"]})
    assert clone.json()["cloned_from"] == created["id"]
    on_account = {"path_parameters": {"account_id": created["id"]}}
    assert len(call("GET", "/api/v1/accounts", 200, trader, query={"limit": 1}).json()) == 1
    assert call("GET", ACCOUNT, 200, trader, **on_account).json()["cash"] == "1000.50"
    call("PATCH", ACCOUNT, 200, trader, body={"name": "Spec 2", "fill_model": "realistic"}, **on_account)
    assert call("POST", f"{ACCOUNT}/reset", 200, trader, **on_account).json()["reset_at"]
    kinds = [a["activity_type"] for a in call("GET", f"{ACCOUNT}/activities", 200, trader, **on_account).json()]
    assert kinds == ["RESET", "CSD"]
    history = call("GET", f"{ACCOUNT}/portfolio/history", 200, trader, query={"period": "1W"}, **on_account).json()
    assert (history["timeframe"], history["timestamp"]) == ("15Min", [])
    call("GET", f"{ACCOUNT}/portfolio/history", 422, trader, query={"period": "all", "timeframe": "1H"}, **on_account)
    call("DELETE", ACCOUNT, 204, trader, **on_account)
    call("GET", ACCOUNT, 404, trader, **on_account)
