"""The diary's excursions through a real worker on the real broker: a new execution entered
through the API announces ``stocks.journal.compute_excursions``, the worker computes the trade's
MFE/MAE and best exit from the daily bars, and the trade shows them; the same job sent many times
at once (a redelivery, an on-demand run racing the announce) leaves one row with the same figures."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from celery import signature
from sqlalchemy import select

from axa.models.stocks import DailyBar, DiaryExcursion, Instrument, db
from tests.blueprints.stocks.test_diary import Trader
from tests.integration.conftest import wait_until


class Platform:
    def __init__(self, apps: dict):
        self.apps = apps

    def client(self, sub: str):
        return self.apps[sub].test_client(use_cookies=False)


def add_history(stocks) -> None:
    with stocks.app_context():
        db.session.add(Instrument(source="fmp", source_instrument_id="WRKX", symbol="WRKX", asset_class="equity"))
        db.session.add_all(DailyBar(source="fmp", source_instrument_id="WRKX", trade_date=day, high=Decimal(h),
                                    low=Decimal(low), close=Decimal(h), price_unit="currency")
                           for day, h, low in ((date(2026, 3, 2), "52", "47"), (date(2026, 3, 3), "55", "49")))
        db.session.commit()
        db.session.remove()


def excursion_rows(stocks) -> list[tuple]:
    with stocks.app_context():
        rows = db.session.execute(select(DiaryExcursion.trade_id, DiaryExcursion.status, DiaryExcursion.mfe,
                                         DiaryExcursion.mae)).all()
        db.session.remove()
        return [tuple(r) for r in rows]


def test_a_new_execution_gets_its_excursions_from_the_worker(platform):
    add_history(platform["stocks"])
    trader = Trader(Platform(platform))
    account = trader.new()
    at = datetime(2026, 3, 2, 15, tzinfo=UTC)
    sell = trader.fill(account, "sell", "4", "50", at, symbol="wrkx").get_json()["id"]  # a short
    trader.fill(account, "buy", "4", "48", at.replace(day=3), symbol="wrkx", fee="1")

    def computed():
        shown = trader.call("get", f"/accounts/{account}/trades/{sell}").get_json()["excursion"]
        return shown if shown["status"] == "computed" and shown["history_to"] == "2026-03-03" else None
    shown = wait_until(computed, 20.0, "the worker's excursions")
    # over 03-02..03-03: highest 55, lowest 47; short from 50 on 4 units
    assert (shown["mfe"], shown["mae"], shown["best_exit_price"], shown["best_exit_pnl"]) == \
        ("12", "-20", "47", "11")
    results = [signature("stocks.journal.compute_excursions", args=(account,)).apply_async(ignore_result=False)
               for _ in range(4)]
    assert all(r.get(timeout=20) == {"computed": 1, "no_history": 0} for r in results)
    assert excursion_rows(platform["stocks"]) == [(sell, "computed", Decimal(12), Decimal(-20))]
