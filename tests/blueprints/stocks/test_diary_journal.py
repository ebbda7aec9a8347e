"""The diary's journal through the API: tag groups and tags (unique names, limits, keyset pages,
owner only), tags put on and taken off trades (a trade named by its opening execution, a flip's
second trade by the flipping execution), notes per trade and per day (markdown, length-limited),
and the reports by tag over one account or several, answering new executions at once."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from axa.blueprints.stocks.diary import journal
from axa.models.stocks import DiaryExecution, db
from axa.models.stocks.diary import fingerprint_of
from axa.models.stocks.journal import NOTE_MAX
from axa.platform.redis_client import client_for
from tests.blueprints.stocks.test_diary import DAY1, Trader


@pytest.fixture
def trader(market):
    return Trader(market)


def tag(trader, group: str, name: str) -> int:
    groups = {g["name"]: g["id"] for g in trader.call("get", "/tag-groups?limit=40").get_json()}
    if group not in groups:
        created = trader.call("post", "/tag-groups", json={"name": group})
        assert created.status_code == 201, created.get_json()
        groups[group] = created.get_json()["id"]
    made = trader.call("post", "/tags", json={"group_id": groups[group], "name": name})
    assert made.status_code == 201, made.get_json()
    return made.get_json()["id"]


def round_trip(trader, account, entry, exit_, at, symbol="aapl", qty="10", side=("buy", "sell")) -> int:
    opened = trader.fill(account, side[0], qty, entry, at, symbol=symbol)
    assert opened.status_code == 201, opened.get_json()
    assert trader.fill(account, side[1], qty, exit_, at + timedelta(hours=1), symbol=symbol).status_code == 201
    return opened.get_json()["id"]


def test_tag_groups_and_tags_unique_limited_paged_and_owned(trader, market, monkeypatch):
    breakout = tag(trader, "setup", "Breakout")
    tag(trader, "setup", "Pullback")
    late = tag(trader, "mistake", "late entry")
    setup = trader.call("get", "/tag-groups").get_json()[-1]
    assert setup["name"] == "setup"
    again = trader.call("post", "/tags", json={"group_id": setup["id"], "name": " Breakout "})
    assert again.status_code == 409 and again.get_json()["reason"] == "duplicate_name"
    assert trader.call("post", "/tag-groups", json={"name": "setup"}).get_json()["reason"] == "duplicate_name"
    assert trader.call("post", "/tag-groups", json={"name": "  "}).status_code == 422
    first = trader.call("get", "/tags?limit=2")
    assert [t["id"] for t in first.get_json()] == [late, breakout + 1] and 'rel="next"' in first.headers["Link"]
    assert [t["name"] for t in trader.call("get", f"/tags?max_id={breakout + 1}").get_json()] == ["Breakout"]
    of_setup = trader.call("get", f"/tags?group_id={setup['id']}").get_json()
    assert [(t["group"], t["name"]) for t in of_setup] == [("setup", "Pullback"), ("setup", "Breakout")]
    other = Trader(market)
    assert other.call("post", "/tags", json={"group_id": setup["id"], "name": "x"}).status_code == 404
    assert other.call("delete", f"/tags/{breakout}").status_code == 404
    assert other.call("get", "/tags").get_json() == []
    monkeypatch.setattr(journal, "GROUPS_MAX", 2)
    assert trader.call("post", "/tag-groups", json={"name": "third"}).get_json()["reason"] == "group_limit"
    assert trader.call("delete", f"/tag-groups/{setup['id']}").status_code == 204
    assert [t["id"] for t in trader.call("get", "/tags").get_json()] == [late]


def test_tags_on_trades_keyed_by_the_opening_execution_including_a_flip(trader, market, monkeypatch):
    account = trader.new()
    breakout, late = tag(trader, "setup", "breakout"), tag(trader, "mistake", "late")
    opening = trader.fill(account, "buy", "10", "100", DAY1).get_json()["id"]
    flip = trader.fill(account, "sell", "15", "110", DAY1 + timedelta(hours=1)).get_json()["id"]
    trades = trader.call("get", f"/accounts/{account}/trades").get_json()["trades"]
    assert [(t["id"], t["direction"]) for t in trades] == [(flip, "short"), (opening, "long")]
    assert trader.call("put", f"/accounts/{account}/trades/{opening}/tags/{breakout}").status_code == 204
    assert trader.call("put", f"/accounts/{account}/trades/{opening}/tags/{breakout}").status_code == 204
    assert trader.call("put", f"/accounts/{account}/trades/{opening}/tags/{late}").status_code == 204
    assert trader.call("put", f"/accounts/{account}/trades/{flip}/tags/{late}").status_code == 204
    one = trader.call("get", f"/accounts/{account}/trades/{opening}").get_json()
    assert [(t["group"], t["name"]) for t in one["tags"]] == [("setup", "breakout"), ("mistake", "late")]
    assert one["net_pnl"] == "100" and one["note"] is None and one["has_note"] is False
    # a later execution changes the short trade but not the ids: the tags stay on their trades
    trader.fill(account, "buy", "5", "105", DAY1 + timedelta(hours=2))
    trades = trader.call("get", f"/accounts/{account}/trades").get_json()["trades"]
    assert [(t["id"], t["status"], [x["name"] for x in t["tags"]]) for t in trades] == \
        [(flip, "closed", ["late"]), (opening, "closed", ["breakout", "late"])]
    assert trader.call("delete", f"/accounts/{account}/trades/{opening}/tags/{late}").status_code == 204
    assert [t["name"] for t in trader.call("get", f"/accounts/{account}/trades/{opening}").get_json()["tags"]] \
        == ["breakout"]
    closing = trader.call("get", f"/accounts/{account}/executions").get_json()[0]["id"]
    assert trader.call("get", f"/accounts/{account}/trades/{closing}").status_code == 404  # not an opening one
    assert trader.call("put", f"/accounts/{account}/trades/{closing}/tags/{late}").status_code == 404
    other = Trader(market)
    assert other.call("get", f"/accounts/{account}/trades/{opening}").status_code == 404
    mine = other.new()
    theirs = other.fill(mine, "buy", "1", "1", DAY1).get_json()["id"]
    assert other.call("put", f"/accounts/{mine}/trades/{theirs}/tags/{late}").status_code == 404  # not their tag
    monkeypatch.setattr(journal, "TAGS_PER_TRADE_MAX", 1)
    refused = trader.call("put", f"/accounts/{account}/trades/{opening}/tags/{late}")
    assert refused.status_code == 409 and refused.get_json()["reason"] == "tag_limit"
    assert trader.call("delete", f"/tags/{breakout}").status_code == 204
    assert trader.call("get", f"/accounts/{account}/trades/{opening}").get_json()["tags"] == []


def test_notes_per_trade_and_per_day(trader, market):
    account = trader.new()
    first = round_trip(trader, account, "100", "101", DAY1)
    second = round_trip(trader, account, "100", "99", DAY1 + timedelta(days=1))
    path = f"/accounts/{account}/trades/{first}/note"
    assert trader.call("get", path).status_code == 404
    text = "## Plan\n\n- waited for the **retest**\n\tthen in"
    written = trader.call("put", path, json={"text": text})
    assert written.status_code == 200 and written.get_json()["text"] == text
    replaced = trader.call("put", path, json={"text": "Better: *patience*"}).get_json()
    assert replaced["trade_id"] == first and replaced["updated_at"] >= written.get_json()["updated_at"]
    assert trader.call("get", f"/accounts/{account}/trades/{first}").get_json()["note"]["text"] == \
        "Better: *patience*"
    assert trader.call("put", path, json={"text": "x" * (NOTE_MAX + 1)}).status_code == 422
    assert trader.call("put", path, json={"text": ""}).status_code == 422
    assert trader.call("put", path, json={"text": "bell \x07"}).status_code == 422
    trader.call("put", f"/accounts/{account}/trades/{second}/note", json={"text": "Stopped out."})
    notes = trader.call("get", f"/accounts/{account}/trade-notes?limit=1")
    assert [n["trade_id"] for n in notes.get_json()] == [second] and 'rel="next"' in notes.headers["Link"]
    listed = trader.call("get", f"/accounts/{account}/trades").get_json()["trades"]
    assert [t["has_note"] for t in listed] == [True, True]
    assert trader.call("delete", path).status_code == 204
    assert trader.call("delete", path).status_code == 404
    for day, words in (("2026-03-02", "Slept badly."), ("2026-03-03", "Calm, sized down."),
                       ("2026-03-02", "Slept badly; *no trades after 11*.")):
        put = trader.call("put", f"/accounts/{account}/day-notes/{day}", json={"text": words})
        assert put.status_code == 200 and put.get_json()["day"] == day
    days = trader.call("get", f"/accounts/{account}/day-notes").get_json()
    assert [(d["day"], d["text"]) for d in days] == [("2026-03-03", "Calm, sized down."),
                                                     ("2026-03-02", "Slept badly; *no trades after 11*.")]
    assert trader.call("get", f"/accounts/{account}/day-notes/2026-03-03").get_json()["text"] == \
        "Calm, sized down."
    assert trader.call("get", f"/accounts/{account}/day-notes/2026-02-30").status_code == 404
    assert trader.call("get", f"/accounts/{account}/day-notes/2026-W10-1").status_code == 404
    assert trader.call("put", f"/accounts/{account}/day-notes/yesterday", json={"text": "x"}).status_code == 404
    assert trader.call("delete", f"/accounts/{account}/day-notes/2026-03-03").status_code == 204
    assert trader.call("get", f"/accounts/{account}/day-notes/2026-03-03").status_code == 404
    other = Trader(market)
    assert other.call("get", f"/accounts/{account}/day-notes").status_code == 404
    assert other.call("put", path, json={"text": "mine"}).status_code == 404


def test_reports_by_tag_over_chosen_accounts_refreshed_by_new_executions(trader, market):
    swing, day = trader.new("Swing"), trader.new("Day")
    breakout = tag(trader, "setup", "breakout")
    won = round_trip(trader, swing, "100", "110", DAY1)  # +100
    lost = round_trip(trader, day, "50", "55", DAY1 + timedelta(hours=3), symbol="tsla",
                      side=("sell", "buy"))  # short: -50
    for account, trade in ((swing, won), (day, lost)):
        trader.call("put", f"/accounts/{account}/trades/{trade}/tags/{breakout}")
    both = trader.call("get", "/reports").get_json()
    assert (both["summary"]["trades"], both["summary"]["net_pnl"], both["summary"]["profit_factor"]) == \
        (2, "50", "2")
    assert [(g["key"], g["trades"], g["win_rate"]) for g in both["by_tag"]] == [("setup/breakout", 2, "0.5")]
    assert [g["key"] for g in both["by_hour"]] == ["14", "17"] and both["by_month"][0]["key"] == "2026-03"
    only_day = trader.call("get", f"/reports?account_id={day}").get_json()
    assert (only_day["summary"]["net_pnl"], only_day["summary"]["largest_loss"]) == ("-50", "-50")
    chosen = trader.call("get", f"/reports?account_id={day}&account_id={swing}").get_json()
    assert chosen["summary"]["trades"] == 2
    per_account = trader.call("get", f"/accounts/{swing}/reports").get_json()
    assert per_account["by_tag"][0]["net_pnl"] == "100"
    round_trip(trader, swing, "100", "90", DAY1 + timedelta(days=1))  # -100, seen at once
    after = trader.call("get", f"/reports?account_id={swing}&start=2026-03-01&end=2026-03-31").get_json()
    assert (after["summary"]["trades"], after["summary"]["max_drawdown"]) == (2, "100")
    assert [c["net_pnl"] for c in after["calendar"]] == ["100", "-100"]
    other = Trader(market)
    assert other.call("get", f"/reports?account_id={swing}").status_code == 404
    assert other.call("get", "/reports").get_json()["summary"]["trades"] == 0
    assert trader.call("get", "/reports?end=2026-01-01&start=2026-02-01").status_code == 422


def test_a_cached_report_follows_executions_that_arrive_by_any_path(trader, market):
    account = trader.new()
    round_trip(trader, account, "10", "12", DAY1)
    first = trader.call("get", f"/accounts/{account}/reports").get_json()
    assert first == trader.call("get", f"/accounts/{account}/reports").get_json()  # the cached copy
    redis = client_for(market.apps["stocks"].config["AXA"].redis_url)
    assert redis.keys("axa:stocks:diary:report:*")
    with market.apps["stocks"].app_context():  # as an import writes them, without telling anyone
        for side, price, hours in (("buy", Decimal(20), 30), ("sell", Decimal(15), 31)):
            values = dict(symbol="AAPL", side=side, quantity=Decimal(10), price=price, fee=Decimal(0),
                          executed_at=DAY1 + timedelta(hours=hours))
            db.session.add(DiaryExecution(account_id=account, fingerprint=fingerprint_of(*values.values()),
                                          **values))
        db.session.commit()
        db.session.remove()
    after = trader.call("get", f"/accounts/{account}/reports").get_json()["summary"]
    assert (first["summary"]["net_pnl"], after["net_pnl"], after["trades"]) == ("20", "-30", 2)
