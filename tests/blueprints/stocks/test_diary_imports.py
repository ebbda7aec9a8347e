"""Broker CSV imports into the diary: a job (eager here) with a report that stays readable; the
IBKR, thinkorswim and Webull presets and a generic mapping; bad lines rejected with their line
number and why; duplicates within a file, across imports and against manual entry skipped; the
same file imported twice at once adds its executions once; bad uploads are 4xx, never a 500."""
from __future__ import annotations

import io
import threading
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from axa.models.stocks import DiaryAccount, DiaryExecution, DiaryImport, db
from axa.tasks.stocks.diary_imports import import_csv
from tests.blueprints.stocks.test_diary import Trader, trader  # noqa: F401

IBKR = (
    "ClientAccountID,Symbol,Buy/Sell,Quantity,TradePrice,IBCommission,DateTime,LevelOfDetail\n"
    "U1,AAPL,BUY,100,150.25,-1.00,20260302;093105,EXECUTION\n"
    "U1,AAPL,SELL,-100,155.25,-1.05,20260302;153000,EXECUTION\n"
    "U1,AAPL,BUY,100,150.25,-1.00,20260302;093105,EXECUTION\n"  # the first line again: a duplicate
    "U1,MSFT,HOLD,10,1,0,20260302;093105,EXECUTION\n"  # line 5: no such side
    "U1,MSFT,BUY,10,abc,0,20260302;093105,EXECUTION\n"  # line 6: not a price
    "U1,MSFT,BUY,10,300,0,2026-03-02,EXECUTION\n"  # line 7: not the preset's time
    "U1,MSFT,BUY,10,300,0,20260302;093105,ORDER\n"  # line 8: not an execution line
    "U1,,BUY,10,300,0,20260302;093105,EXECUTION\n"  # line 9: no symbol
    "U1,MSFT,BUY,0,300,0,20260302;093105,EXECUTION\n"  # line 10: zero quantity
    "U1,MSFT,BUY,10,300,0,20990302;093105,EXECUTION\n")  # line 11: in the future
THINKORSWIM = ("Exec Time,Spread,Side,Qty,Pos Effect,Symbol,Exp,Strike,Type,Price,Net Price,Order Type\n"
               "3/3/26 10:00:00,STOCK,BUY,+50,TO OPEN,TSLA,,,STOCK,200.10,200.10,LMT\n"
               "3/3/26 11:00:00,STOCK,SELL,-50,TO CLOSE,TSLA,,,STOCK,190.10,190.10,MKT\n")
WEBULL = ("Name,Symbol,Side,Status,Filled,Total Qty,Price,Avg Price,Time-in-Force,Placed Time,Filled Time\n"
          "NVIDIA,NVDA,Sell,Filled,5,5,@120.00,120.00,DAY,03/04/2026 10:00:00 EST,03/04/2026 10:00:01 EST\n"
          "NVIDIA,NVDA,Buy,Cancelled,0,5,@100.00,,DAY,03/04/2026 09:00:00 EST,\n"  # line 3: not filled
          "NVIDIA,NVDA,Buy,Filled,5,5,@110.00,110.00,DAY,03/04/2026 11:00:00 EST,03/04/2026 11:00:02 EST\n")
GENERIC = "when;what;way;how many;at;cost\n2026-03-05 14:00;ko;b;1,000;60.5;2\n2026-03-05 15:00;ko;s;1,000;61;2\n"
MAPPING = ('{"symbol": "what", "side": "way", "quantity": "how many", "price": "at", "fee": "cost", '
           '"time": "when", "time_format": "%Y-%m-%d %H:%M"}')


def upload(who, account: int, text: str | bytes, preset: str = "ibkr", **fields):
    data = text.encode() if isinstance(text, str) else text
    return who.call("post", f"/accounts/{account}/imports", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), "trades.csv"), "preset": preset, **fields})


def finished(who, account: int, answer) -> dict:
    assert answer.status_code == 202, answer.get_json()
    job = who.call("get", f"/accounts/{account}/imports/{answer.get_json()['id']}")
    assert job.status_code == 200
    return job.get_json()


def test_a_broker_file_becomes_executions_and_trades_with_a_report(trader):  # noqa: F811
    account = trader.new()
    job = finished(trader, account, upload(trader, account, IBKR))
    assert (job["status"], job["lines"], job["processed"], job["imported"], job["duplicates"]) == \
        ("done", 10, 10, 2, 1)
    assert [r["line"] for r in job["rejected"]] == [5, 6, 7, 8, 9, 10, 11] and job["rejected_count"] == 7
    reasons = {r["line"]: r["reason"] for r in job["rejected"]}
    assert "side" in reasons[5] and "price" in reasons[6] and "time" in reasons[7]
    assert "LevelOfDetail" in reasons[8] and "future" in reasons[11]
    [trade] = trader.call("get", f"/accounts/{account}/trades").get_json()["trades"]
    assert (trade["symbol"], trade["gross_pnl"], trade["fees"], trade["net_pnl"]) == ("AAPL", "500", "2.05", "497.95")
    assert trade["entry_at"] == "2026-03-02T14:31:05.000Z"  # New York's 09:31:05 in March (EST)
    # the report stays; the same file again is all duplicates, as is a line entered by hand
    assert trader.call("get", f"/accounts/{account}/imports/{job['id']}").get_json() == job
    again = finished(trader, account, upload(trader, account, IBKR))
    assert (again["imported"], again["duplicates"], again["rejected_count"]) == (0, 3, 7)
    listed = trader.call("get", f"/accounts/{account}/imports").get_json()
    assert [j["id"] for j in listed] == [again["id"], job["id"]]
    by_hand = trader.fill(account, "buy", "100", "150.25", datetime(2026, 3, 2, 14, 31, 5, tzinfo=UTC),
                          fee="1")
    assert by_hand.status_code == 409 and by_hand.get_json()["reason"] == "duplicate_execution"


def test_the_other_presets_and_a_generic_mapping(trader):  # noqa: F811
    account = trader.new()
    tos = finished(trader, account, upload(trader, account, THINKORSWIM, "thinkorswim"))
    webull = finished(trader, account, upload(trader, account, WEBULL, "webull"))
    generic = finished(trader, account, upload(trader, account, GENERIC.replace(";", ","), "generic",
                                               mapping=MAPPING.replace("1,000", "1000"), timezone="Europe/Berlin"))
    assert (tos["imported"], webull["imported"], webull["rejected"][0]["line"]) == (2, 2, 3)
    assert generic["imported"] == 0 and generic["rejected_count"] == 2  # "1,000" split the line: too many cells
    generic = finished(trader, account, upload(trader, account, GENERIC.replace(";", ",").replace("1,000", '"1,000"'),
                                               "generic", mapping=MAPPING, timezone="Europe/Berlin"))
    assert (generic["imported"], generic["rejected_count"]) == (2, 0), generic
    trades = {t["symbol"]: t for t in trader.call("get", f"/accounts/{account}/trades").get_json()["trades"]}
    assert (trades["TSLA"]["direction"], trades["TSLA"]["net_pnl"]) == ("long", "-500")
    assert (trades["NVDA"]["direction"], trades["NVDA"]["net_pnl"]) == ("short", "50")
    assert trades["KO"]["entry_at"] == "2026-03-05T13:00:00.000Z" and trades["KO"]["net_pnl"] == "496"


def test_bad_uploads_are_refused_before_any_job(trader, market):  # noqa: F811
    account = trader.new()
    assert upload(trader, account, "Symbol,Quantity\nAAPL,1\n").status_code == 422  # columns missing
    assert upload(trader, account, b"\xff\xfe\x00bad").status_code == 422
    assert upload(trader, account, IBKR, "generic").status_code == 422  # no mapping
    assert upload(trader, account, IBKR, mapping=MAPPING).status_code == 422  # a mapping with a preset
    assert upload(trader, account, GENERIC, "generic", mapping="[1]").status_code == 422
    assert upload(trader, account, IBKR, "etrade").status_code == 422
    assert upload(trader, account, IBKR, timezone="Mars/Olympus").status_code == 422
    big = trader.call("post", f"/accounts/{account}/imports", data=b"x" * (9 * 1024 * 1024),
                      content_type="multipart/form-data; boundary=b")  # refused by its length alone
    assert big.status_code == 413 and big.is_json
    assert Trader(market).call("get", f"/accounts/{account}/imports").status_code == 404
    assert upload(Trader(market), account, IBKR).status_code == 404
    assert trader.call("get", f"/accounts/{account}/imports/999999").status_code == 404
    assert trader.call("get", f"/accounts/{account}/imports").get_json() == []


def test_the_same_file_imported_twice_at_once_adds_it_once(trader, market):  # noqa: F811
    account = trader.new()
    app = market.apps["stocks"]
    with app.app_context():
        jobs = [DiaryImport(account_id=account, status="queued", preset="ibkr", csv_text=IBKR, lines=10, imported=0,
                            duplicates=0, rejected_count=0, rejected=[]) for _ in range(2)]
        db.session.add_all(jobs)
        db.session.commit()
        ids = [job.id for job in jobs]
    start = threading.Barrier(2)

    def work(import_id: int) -> None:
        with app.app_context():
            start.wait()
            import_csv(import_id)
    threads = [threading.Thread(target=work, args=(i,)) for i in ids]
    [t.start() for t in threads]
    [t.join() for t in threads]
    with app.app_context():
        done = db.session.scalars(select(DiaryImport).where(DiaryImport.id.in_(ids))).all()
        held = db.session.scalar(select(func.count()).where(DiaryExecution.account_id == account))
        assert held == 2 and sorted(j.imported for j in done) == [0, 2]
        assert sorted(j.duplicates for j in done) == [1, 3]
        assert import_csv(ids[0]) == "skipped"  # redelivered after it finished: nothing again
        db.session.execute(update(DiaryImport).where(DiaryImport.id == ids[0]).values(status="running"))
        db.session.commit()
        assert import_csv(ids[0]) == "done"  # a worker killed mid-way: run again, adds nothing twice
        assert db.session.scalar(select(func.count()).where(DiaryExecution.account_id == account)) == 2


def test_a_terminal_account_takes_no_import_nor_manual_entry(trader, market):  # noqa: F811
    account = trader.new("Mirror")
    with market.apps["stocks"].app_context():
        db.session.execute(update(DiaryAccount).where(DiaryAccount.id == account).values(source="terminal"))
        db.session.commit()
    refused = upload(trader, account, IBKR)
    assert refused.status_code == 409 and refused.get_json()["reason"] == "read_only_account"
    entered = trader.fill(account, "buy", "1", "1", datetime(2026, 3, 2, tzinfo=UTC))
    assert entered.status_code == 409 and entered.get_json()["reason"] == "read_only_account"


def test_a_round_trip_entered_by_hand_is_two_executions_and_one_trade(trader):  # noqa: F811
    account = trader.new()
    body = {"symbol": "amd", "direction": "short", "quantity": "20", "entry_price": "150", "exit_price": "140",
            "entry_fee": "1", "exit_fee": "1", "entry_at": "2026-03-02T15:00:00Z", "exit_at": "2026-03-04T15:00:00Z",
            "initial_risk": "100"}
    made = trader.call("post", f"/accounts/{account}/round-trips", json=body)
    assert made.status_code == 201, made.get_json()
    assert [(e["side"], e["price"]) for e in made.get_json()["executions"]] == [("sell", "150"), ("buy", "140")]
    [trade] = trader.call("get", f"/accounts/{account}/trades").get_json()["trades"]
    assert (trade["direction"], trade["net_pnl"], trade["r_multiple"], trade["holding_seconds"]) == \
        ("short", "198", "1.98", 2 * 86400)
    again = trader.call("post", f"/accounts/{account}/round-trips", json={**body, "exit_price": "139"})
    assert again.status_code == 409 and again.get_json()["reason"] == "duplicate_execution"  # the entry is held
    assert len(trader.call("get", f"/accounts/{account}/executions").get_json()) == 2  # its exit was not kept
    backwards = trader.call("post", f"/accounts/{account}/round-trips", json={**body, "exit_at": "2026-03-01T00:00:00Z"})
    assert backwards.status_code == 422
