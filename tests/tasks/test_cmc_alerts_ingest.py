"""Price alerts fired by real ingest runs against the vendor sandbox (eager): each quote batch the
cmc and stocks format steps commit is evaluated, only for its own symbols, and a price that stays
beyond its level fires once."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from axa.models.cmc import Alert, AlertEvent, User, db
from ops.sandbox.synth.equities import equity_universe
from tests.conftest import mails
from tests.tasks.test_ingest_eager import _run

EMAIL = "ada@example.com"


def add_alerts(cmc, *alerts: dict) -> list[int]:
    with cmc.app_context():
        db.session.merge(User(id=7, email=EMAIL, display_name="Ada", status="active", version=1))
        base = {"user_id": 7, "kind": "coin", "coin_id": 1, "symbol": "BTC", "ref": "cmc:1",
                "condition": "price_above", "level": Decimal(1), "recurring": False, "cooldown_s": 0,
                "channels": ["in_app", "mail"], "status": "active", "fired_count": 0}
        rows = [Alert(**{**base, **alert}) for alert in alerts]
        db.session.add_all(rows)
        db.session.commit()
        ids = [row.id for row in rows]
        db.session.remove()
        return ids


def state(cmc, alert_id: int) -> tuple:
    with cmc.app_context():
        alert = db.session.get(Alert, alert_id)
        events = db.session.scalars(select(AlertEvent.price).where(AlertEvent.alert_id == alert_id)).all()
        result = (alert.status, alert.last_side, alert.last_as_of is not None, len(events))
        db.session.remove()
        return result


def test_a_cmc_listings_run_fires_a_crossing_once_and_reads_only_its_coins(apps, sandbox):
    cmc = apps["cmc"]
    crossing, never, elsewhere = add_alerts(
        cmc, {}, {"condition": "price_below", "recurring": True},
        {"coin_id": 99999999, "symbol": "ZZZ", "ref": "cmc:99999999"})
    assert _run(cmc, "cmc.listings", {"max_items": 10})["status"] == "succeeded"
    assert state(cmc, crossing) == ("triggered", "above", True, 1)
    assert state(cmc, never) == ("active", "above", True, 0)
    assert state(cmc, elsewhere) == ("active", None, False, 0)  # not in the batch: never read
    assert len(mails(EMAIL)) == 1  # the crossing's one mail
    sandbox.clock.advance(300)
    assert _run(cmc, "cmc.listings", {"max_items": 10})["status"] == "succeeded"
    assert state(cmc, crossing)[3] == 1 and state(cmc, never)[3] == 0
    assert len(mails(EMAIL)) == 1


def test_a_stocks_quotes_run_fires_the_alerts_of_its_symbols(apps, sandbox):
    symbols = [e.symbol for e in equity_universe(sandbox.app.extensions["sandbox"].config.seed).items[:3]]
    cmc = apps["cmc"]
    on_stock, = add_alerts(cmc, {"kind": "stock", "coin_id": None, "symbol": symbols[0],
                                 "ref": f"fmp:{symbols[0]}", "level": Decimal("0.0001")})
    assert _run(apps["stocks"], "fmp.quotes", {"symbols": symbols})["status"] == "succeeded"
    assert state(cmc, on_stock) == ("triggered", "above", True, 1)
    assert "AXA Platform price alert: " + symbols[0] == mails(EMAIL)[0]["Subject"]
