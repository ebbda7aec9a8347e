"""The cmc portfolio operations on a real portfolio with real transactions (generated ids rarely
exist, so test_specs.py mostly sees their 404): each answers its success status and holds its
spec, holdings with quotes included. The portfolio belongs to a user of its own, so the portfolios
the generated requests made do not count against the limit."""
from __future__ import annotations

import pytest

from tests.conftest import bearer, login, register
from tests.openapi.checks import json_headers_conform, success_status_documented
from tests.openapi.specs import SPECS

CHECKS = [json_headers_conform, success_status_documented]
ONE, TRANSACTIONS = "/api/v1/portfolios/{portfolio_id}", "/api/v1/portfolios/{portfolio_id}/transactions"


@pytest.fixture(scope="module")
def investor(callers):
    auth = callers.market.apps["auth"].test_client(use_cookies=False)
    assert register(auth, email="investor@example.com").status_code == 201
    return bearer(login(auth, email="investor@example.com").get_json()["session_id"])


def call(method: str, path: str, status: int, headers: dict, **parts):
    case = SPECS["cmc"][path][method].Case(**parts)
    response = case.call_and_validate(headers=headers, additional_checks=CHECKS)
    assert response.status_code == status, f"{method} {path}: {response.text[:500]}"
    return response


def test_every_portfolio_operation_on_a_real_portfolio_holds_its_spec(callers, investor):
    created = call("POST", "/api/v1/portfolios", 201, investor, body={"name": "Spec"}).json()
    on_it = {"path_parameters": {"portfolio_id": created["id"]}}
    symbol = callers.market.data["symbols"][0]
    buy = call("POST", TRANSACTIONS, 201, investor, body={"kind": "buy", "coin_id": 1, "quantity": "2",
                                                         "price": "100.5", "fee": "1", "note": "first"}, **on_it)
    call("POST", TRANSACTIONS, 201, investor, body={"kind": "buy", "symbol": symbol, "quantity": "3",
                                                   "price": "10"}, **on_it)
    sell = call("POST", TRANSACTIONS, 201, investor, body={"kind": "sell", "coin_id": 1, "quantity": "1",
                                                          "price": "120"}, **on_it).json()
    view = call("GET", ONE, 200, investor, **on_it).json()
    call("GET", f"{ONE}/history", 200, investor, query={"currency": "USD"}, **on_it)
    assert all(h["price"] for h in view["holdings"]), "the fill should have quoted both"
    assert call("GET", "/api/v1/portfolios", 200, investor).json()[0]["transactions_count"] == 3
    assert len(call("GET", TRANSACTIONS, 200, investor, query={"limit": 2}, **on_it).json()) == 2
    call("PATCH", ONE, 200, investor, body={"name": "Spec 2", "cost_basis": "average"}, **on_it)
    exported = call("GET", f"{TRANSACTIONS}.csv", 200, investor, **on_it)
    assert exported.text.count("\n") == 4  # the header and three transactions
    for transaction in (sell, buy.json()):
        call("DELETE", f"{TRANSACTIONS}/{{transaction_id}}", 204, investor,
             path_parameters={"portfolio_id": created["id"], "transaction_id": transaction["id"]})
    call("DELETE", ONE, 204, investor, **on_it)
