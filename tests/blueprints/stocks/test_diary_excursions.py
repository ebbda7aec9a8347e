"""Each trade's MFE, MAE and best exit from the platform's daily bars, computed by
``stocks.journal.compute_excursions`` (eager here: announced by each new execution; and called
directly), with hand-computed figures for a long and a short; ``no_history`` with its reason when
the symbol has no instrument or no bars over the trade's days; ``pending`` for a trade changed
behind the job's back (an import), until ``POST …/excursions`` computes it.

The instrument JRNLX has three bars:
    03-02  high 110  low 95  close 100
    03-03  high 120  low 98  close 115
    03-04  high 130  low 90  close 100
Long: buy 10 @ 100 (fee 1) 03-02, sell 10 @ 112 (fee 2) 03-03: over 03-02..03-03 highest 120,
lowest 95: MFE (120 - 100) x 10 = 200, MAE (95 - 100) x 10 = -50, best exit 120, its P&L 200 - 3 = 197.
Short: sell 5 @ 118 03-03, buy 5 @ 105 03-04: highest 130, lowest 90: MFE (118 - 90) x 5 = 140,
MAE (118 - 130) x 5 = -60, best exit 90, its P&L 140."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from axa.models.stocks import DailyBar, DiaryExcursion, DiaryExecution, Instrument, db
from axa.models.stocks.diary import fingerprint_of
from axa.tasks.stocks.journal import compute_excursions
from tests.blueprints.stocks.test_diary import Trader

BARS = ((date(2026, 3, 2), "110", "95", "100"), (date(2026, 3, 3), "120", "98", "115"),
        (date(2026, 3, 4), "130", "90", "100"))


@pytest.fixture
def trader(market):
    return Trader(market)


@pytest.fixture(scope="module")
def history(market):
    with market.apps["stocks"].app_context():
        db.session.add(Instrument(source="fmp", source_instrument_id="JRNLX", symbol="JRNLX", asset_class="equity"))
        db.session.add_all(DailyBar(source="fmp", source_instrument_id="JRNLX", trade_date=day, high=Decimal(h),
                                    low=Decimal(low), close=Decimal(c), price_unit="currency")
                           for day, h, low, c in BARS)
        db.session.commit()
        db.session.remove()


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def excursion_of(trader, account: int, trade_id: int) -> dict:
    return trader.call("get", f"/accounts/{account}/trades/{trade_id}").get_json()["excursion"]


def test_a_long_and_a_short_from_the_daily_bars(trader, history):
    account = trader.new()
    long_id = trader.fill(account, "buy", "10", "100", at(2, 15), symbol="jrnlx", fee="1").get_json()["id"]
    trader.fill(account, "sell", "10", "112", at(3, 16), symbol="jrnlx", fee="2")
    short_id = trader.fill(account, "sell", "5", "118", at(3, 17), symbol="jrnlx").get_json()["id"]
    trader.fill(account, "buy", "5", "105", at(4, 15), symbol="jrnlx")
    long_ = excursion_of(trader, account, long_id)
    assert (long_["status"], long_["bars"], long_["history_from"], long_["history_to"]) == \
        ("computed", 2, "2026-03-02", "2026-03-03")
    assert (long_["highest"], long_["lowest"], long_["mfe"], long_["mae"]) == ("120", "95", "200", "-50")
    assert (long_["best_exit_price"], long_["best_exit_pnl"]) == ("120", "197")
    short = excursion_of(trader, account, short_id)
    assert (short["mfe"], short["mae"], short["best_exit_price"], short["best_exit_pnl"]) == \
        ("140", "-60", "90", "140")
    listed = trader.call("get", f"/accounts/{account}/trades").get_json()["trades"]
    assert [(t["id"], t["excursion"]["mfe"]) for t in listed] == [(short_id, "140"), (long_id, "200")]


def test_no_history_says_why(trader, history):
    account = trader.new()
    unknown = trader.fill(account, "buy", "1", "10", at(2, 15), symbol="nohist9").get_json()["id"]
    before = trader.fill(account, "buy", "1", "10", datetime(2025, 6, 2, 15, tzinfo=UTC), symbol="jrnlx")
    trader.fill(account, "sell", "1", "11", datetime(2025, 6, 3, 15, tzinfo=UTC), symbol="jrnlx")
    none = excursion_of(trader, account, unknown)
    assert none["status"] == "no_history" and none["mfe"] is None and none["bars"] == 0
    assert none["reason"] == "No instrument with the symbol NOHIST9 in the platform's market data."
    old = excursion_of(trader, account, before.get_json()["id"])
    assert old["status"] == "no_history" and old["best_exit_price"] is None
    assert old["reason"] == "No price history for JRNLX from 2025-06-02 to 2025-06-03."


def test_a_trade_changed_by_an_import_is_pending_until_computed_again(trader, market, history):
    account = trader.new()
    opening = trader.fill(account, "buy", "10", "100", at(2, 15), symbol="jrnlx").get_json()["id"]
    assert excursion_of(trader, account, opening)["status"] == "computed"  # open: 03-02 to today
    with market.apps["stocks"].app_context():  # as an import would, without announcing it
        values = dict(symbol="JRNLX", side="sell", quantity=Decimal(10), price=Decimal(100),
                      fee=Decimal(0), executed_at=at(4, 15))
        db.session.add(DiaryExecution(account_id=account, fingerprint=fingerprint_of(*values.values()), **values))
        db.session.commit()
        db.session.remove()
    pending = excursion_of(trader, account, opening)
    assert pending["status"] == "pending" and pending["mfe"] is None
    ran = trader.call("post", f"/accounts/{account}/excursions")
    assert ran.status_code == 202 and ran.get_json() == {"account_id": account, "queued": True}
    done = excursion_of(trader, account, opening)
    assert (done["status"], done["history_to"], done["mfe"], done["mae"]) == ("computed", "2026-03-04", "300", "-100")
    assert Trader(market).call("post", f"/accounts/{account}/excursions").status_code == 404


def test_the_task_called_directly_is_idempotent_and_drops_what_no_trade_opens(market, trader, history):
    account = trader.new()
    opening = trader.fill(account, "buy", "2", "100", at(2, 15), symbol="jrnlx").get_json()["id"]
    trader.fill(account, "sell", "2", "110", at(3, 15), symbol="jrnlx")
    closing = trader.call("get", f"/accounts/{account}/executions").get_json()[0]["id"]
    with market.apps["stocks"].app_context():  # left from when the closing execution opened a trade
        db.session.add(DiaryExcursion(trade_id=closing, account_id=account, signature="x", status="no_history",
                                      history_from=date(2026, 3, 3), history_to=date(2026, 3, 3), bars=0))
        db.session.commit()
        db.session.remove()
    assert compute_excursions(account) == {"computed": 1, "no_history": 0}
    assert compute_excursions(account) == {"computed": 1, "no_history": 0}
    with market.apps["stocks"].app_context():
        rows = db.session.execute(select(DiaryExcursion.trade_id, DiaryExcursion.mfe)
                                  .where(DiaryExcursion.account_id == account)).all()
        db.session.execute(delete(DiaryExcursion).where(DiaryExcursion.account_id == account))
        db.session.commit()
        db.session.remove()
    assert [(r[0], r[1]) for r in rows] == [(opening, Decimal(40))]  # (120 - 100) x 2
    assert compute_excursions(10**12) == {}


def test_an_import_has_its_trades_excursions_computed(trader, history):
    account = trader.new()
    csv_text = ("when,what,way,how many,at,cost\n2026-03-02 15:00,jrnlx,b,10,100,1\n"
                "2026-03-03 16:00,jrnlx,s,10,112,2\n")
    mapping = ('{"symbol": "what", "side": "way", "quantity": "how many", "price": "at", "fee": "cost", '
               '"time": "when", "time_format": "%Y-%m-%d %H:%M"}')
    answer = trader.call("post", f"/accounts/{account}/imports", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(csv_text.encode()), "t.csv"), "preset": "generic",
                               "mapping": mapping})
    assert answer.status_code == 202, answer.get_json()
    [trade] = trader.call("get", f"/accounts/{account}/trades").get_json()["trades"]
    excursion = excursion_of(trader, account, trade["id"])
    assert (excursion["status"], excursion["mfe"], excursion["mae"]) == ("computed", "200", "-50")
