"""The journal operations on a real account (generated ids rarely exist, so test_specs.py mostly
sees their 404): tag groups, tags, tags on a trade, notes per trade and per day, the excursions job
and the reports over accounts each answer their success status and hold their spec."""
from __future__ import annotations

import pytest

from tests.conftest import bearer, login, register
from tests.openapi.test_stocks_diary import call

ONE = "/api/v1/diary/accounts/{account_id}"
TRADE = f"{ONE}/trades/{{trade_id}}"


@pytest.fixture(scope="module")
def journalist(callers):
    auth = callers.market.apps["auth"].test_client(use_cookies=False)
    assert register(auth, email="journalist@example.com").status_code == 201
    return bearer(login(auth, email="journalist@example.com").get_json()["session_id"])


def test_every_journal_operation_on_a_real_trade_holds_its_spec(journalist):
    who = journalist
    account = call("POST", "/api/v1/diary/accounts", 201, who, body={"name": "Journal"}).json()["id"]
    on_it = {"path_parameters": {"account_id": account}}
    opened = call("POST", f"{ONE}/executions", 201, who, body={
        "symbol": "jspec", "side": "buy", "quantity": "2", "price": "10", "executed_at": "2026-03-02T14:30:00Z"},
        **on_it).json()["id"]
    call("POST", f"{ONE}/executions", 201, who, body={
        "symbol": "jspec", "side": "sell", "quantity": "2", "price": "12", "executed_at": "2026-03-02T15:30:00Z"},
        **on_it)
    group = call("POST", "/api/v1/diary/tag-groups", 201, who, body={"name": "setup"}).json()["id"]
    tag = call("POST", "/api/v1/diary/tags", 201, who, body={"group_id": group, "name": "breakout"}).json()["id"]
    assert call("GET", "/api/v1/diary/tag-groups", 200, who, query={"limit": 5}).json()[0]["id"] == group
    assert call("GET", "/api/v1/diary/tags", 200, who, query={"group_id": group}).json()[0]["id"] == tag
    on_trade = {"path_parameters": {"account_id": account, "trade_id": opened}}
    on_tag = {"path_parameters": {"account_id": account, "trade_id": opened, "tag_id": tag}}
    call("PUT", f"{TRADE}/tags/{{tag_id}}", 204, who, **on_tag)
    call("PUT", f"{TRADE}/note", 200, who, body={"text": "# Why\n\nclean retest"}, **on_trade)
    call("GET", f"{TRADE}/note", 200, who, **on_trade)
    call("GET", f"{ONE}/trade-notes", 200, who, **on_it)
    trade = call("GET", TRADE, 200, who, **on_trade).json()
    assert trade["tags"][0]["name"] == "breakout" and trade["excursion"]["status"] == "no_history"
    assert call("GET", f"{ONE}/trades", 200, who, **on_it).json()["trades"][0]["id"] == opened
    on_day = {"path_parameters": {"account_id": account, "day": "2026-03-02"}}
    call("PUT", f"{ONE}/day-notes/{{day}}", 200, who, body={"text": "calm"}, **on_day)
    call("GET", f"{ONE}/day-notes/{{day}}", 200, who, **on_day)
    call("GET", f"{ONE}/day-notes", 200, who, **on_it)
    call("POST", f"{ONE}/excursions", 202, who, **on_it)
    report = call("GET", "/api/v1/diary/reports", 200, who, query={"account_id": [account]}).json()
    assert report["by_tag"][0]["key"] == "setup/breakout" and report["summary"]["net_pnl"] == "4"
    assert call("GET", f"{ONE}/reports", 200, who, **on_it).json()["by_hour"][0]["key"] == "14"
    call("DELETE", f"{ONE}/day-notes/{{day}}", 204, who, **on_day)
    call("DELETE", f"{TRADE}/note", 204, who, **on_trade)
    call("DELETE", f"{TRADE}/tags/{{tag_id}}", 204, who, **on_tag)
    call("DELETE", "/api/v1/diary/tags/{tag_id}", 204, who, path_parameters={"tag_id": tag})
    call("DELETE", "/api/v1/diary/tag-groups/{group_id}", 204, who, path_parameters={"group_id": group})
