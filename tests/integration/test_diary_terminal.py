"""Terminal fills arrive in the trader's diary through real workers: a market order filled on the
terminal (a coin quote written through the Redis contract) shows up as an execution and a trade of
a diary account named after the paper account (source ``terminal``, read-only to manual entry);
the same fill published again adds nothing; a fill left in the outbox (broker down) goes with the
sweep."""
from __future__ import annotations

from sqlalchemy import func, select

from axa.models.terminal import DiaryOutbox
from axa.models.terminal import db as terminal_db
from axa.platform.celery_app import celery
from tests.blueprints.terminal.test_accounts import Trader
from tests.integration.conftest import wait_until
from tests.integration.test_terminal_matching import COIN, filled, place, write_quote


def diary(trader: Trader, path: str, **kwargs):
    client = trader.apps["stocks"].test_client(use_cookies=False)
    return getattr(client, kwargs.pop("method", "get"))(f"/api/v1/diary{path}", headers=trader.headers, **kwargs)


def diary_accounts(trader: Trader) -> list[dict]:
    return diary(trader, "/accounts").get_json()


def test_a_terminal_fill_becomes_a_diary_execution_and_trade_once(platform):
    trader = Trader(platform)
    write_quote(platform["terminal"], "100")
    account = trader.open(name="Paper swing", account_type="margin")
    buy = place(trader, account, qty="2")
    filled(trader, account, buy)
    mirrored = wait_until(lambda: [a for a in diary_accounts(trader) if a["executions_count"] == 1], 15.0,
                          "the fill in the diary")
    assert [(a["name"], a["source"]) for a in mirrored] == [("Paper swing", "terminal")]
    diary_id = mirrored[0]["id"]
    [execution] = diary(trader, f"/accounts/{diary_id}/executions").get_json()
    assert (execution["symbol"], execution["side"], execution["quantity"], execution["price"]) == \
        (COIN.upper(), "buy", "2", "100")
    sell = place(trader, account, qty="2", side="sell")
    filled(trader, account, sell)
    wait_until(lambda: diary_accounts(trader)[0]["executions_count"] == 2, 15.0, "the sell in the diary")
    [trade] = diary(trader, f"/accounts/{diary_id}/trades").get_json()["trades"]
    assert (trade["direction"], trade["status"], trade["quantity"], trade["net_pnl"]) == ("long", "closed", "2", "0")

    # the same fill published again (a relay that died before deleting its row): nothing more
    with platform["terminal"].app_context():
        assert terminal_db.session.scalar(select(func.count()).select_from(DiaryOutbox)) == 0
    me = trader.apps["stocks"].test_client(use_cookies=False).get("/api/v1/me", headers=trader.headers)
    payload = {"fill_id": f"{buy['id']}:2", "user_id": me.get_json()["id"], "account_id": account["id"],
               "account_name": "Paper swing", "symbol": COIN, "side": "buy", "quantity": "2", "price": "100",
               "fee": "0", "executed_at": execution["executed_at"]}
    for _ in range(3):
        celery.send_task("stocks.diary.record_fill", args=(payload,))
    marker = place(trader, account, qty="1")  # a later fill: once it is in, the copies were consumed
    filled(trader, account, marker)
    wait_until(lambda: diary_accounts(trader)[0]["executions_count"] == 3, 15.0, "the marker fill")
    assert len(diary_accounts(trader)) == 1
    refused = diary(trader, f"/accounts/{diary_id}/executions", method="post", json={
        "symbol": "AAPL", "side": "buy", "quantity": "1", "price": "1", "executed_at": "2026-01-05T15:00:00Z"})
    assert refused.status_code == 409 and refused.get_json()["reason"] == "read_only_account"

