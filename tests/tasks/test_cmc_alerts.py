"""``cmc.alerts.evaluate_quotes`` on crafted quote batches: a crossing fires once, a price staying
beyond does not fire again, a recurring alert re-arms after crossing back and keeps its cooldown,
percent-change alerts, redelivery fires nothing twice, only the batch's refs are read, and the
mail goes out once through ``cmc.mail.send_alert``."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from axa.clients.records import QuoteRecord
from axa.models.cmc import Alert, AlertEvent, User, alert_batch, db
from axa.models.cmc.alert_rules import from_payload, side_of
from axa.tasks.cmc import alerts as alert_tasks
from axa.tasks.cmc.alerts import evaluate_quotes, relay_mail
from axa.tasks.cmc.mail import send_alert
from axa.tasks.ingest import alert_payload
from tests.conftest import mails

T0 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
USER = 7


@pytest.fixture
def cmc(apps):
    app = apps["cmc"]
    with app.app_context():
        db.session.add(User(id=USER, email="ada@example.com", display_name="Ada", status="active", version=1))
        db.session.commit()
        yield app
        db.session.remove()


def alert(**fields) -> Alert:
    values = {"user_id": USER, "kind": "coin", "coin_id": 1, "symbol": "BTC", "ref": "cmc:1",
              "condition": "price_above", "level": Decimal(100), "recurring": False, "cooldown_s": 3600,
              "channels": ["in_app"], "status": "active", "fired_count": 0, **fields}
    if values["condition"].startswith("change"):
        values.setdefault("window", "24h")
    row = Alert(**values)
    db.session.add(row)
    db.session.commit()
    return row


def quote(price, at: timedelta = timedelta(0), ref="cmc:1", ch1h=None, ch24h=None) -> list:
    return [ref, str(price), ch1h, ch24h, (T0 + at).isoformat()]


def batch(*quotes) -> dict:
    result = evaluate_quotes(list(quotes))
    db.session.expire_all()
    return result


def fired(alert_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(AlertEvent)
    return db.session.scalar(stmt if alert_id is None else stmt.where(AlertEvent.alert_id == alert_id))


def test_a_crossing_fires_once_and_staying_above_does_not_fire_again(cmc):
    one = alert()
    assert batch(quote(90))["fired"] == 0  # first seen below: armed
    assert db.session.get(Alert, one.id).last_side == "below"
    assert batch(quote(101, timedelta(minutes=5)))["fired"] == 1
    assert batch(quote(105, timedelta(minutes=10)))["fired"] == 0  # still above
    row = db.session.get(Alert, one.id)
    assert (row.status, row.last_side, row.fired_count, row.last_fired_at) == ("triggered", "above", 1,
                                                                               T0 + timedelta(minutes=5))
    assert batch(quote(90, timedelta(minutes=15)), quote(120, timedelta(minutes=20)))["fired"] == 0  # off now
    event = db.session.scalar(select(AlertEvent))
    assert (event.price, event.level, event.in_app, event.mail_state) == (Decimal(101), Decimal(100), True, None)


def test_an_alert_first_seen_beyond_fires_and_a_level_reached_exactly_counts(cmc):
    above, below = alert(), alert(condition="price_below", level=Decimal(50))
    assert batch(quote(100))["fired"] == 1  # at the level: reached
    assert batch(quote(50, timedelta(minutes=1)))["fired"] == 1
    assert (fired(above.id), fired(below.id)) == (1, 1)


def test_a_redelivered_or_older_batch_fires_nothing_twice(cmc):
    one = alert(recurring=True, cooldown_s=60)
    batch(quote(90))
    crossing = [quote(110, timedelta(minutes=1))]
    assert batch(*crossing)["fired"] == 1
    assert batch(*crossing)["fired"] == 0  # redelivered
    assert batch(quote(80, timedelta(seconds=30)))["fired"] == 0  # older than the crossing: ignored
    assert db.session.get(Alert, one.id).last_side == "above"
    assert fired() == 1


def test_a_recurring_alert_re_arms_after_crossing_back_and_keeps_its_cooldown(cmc):
    one = alert(recurring=True, cooldown_s=600)
    steps = [(90, 0, 0), (110, 1, 1), (95, 2, 0), (110, 3, 0),  # back above within the cooldown: held
             (112, 12, 1),  # the cooldown has passed and it is still above: the crossing is reported
             (113, 13, 0), (90, 30, 0), (101, 31, 1)]
    for price, minute, expected in steps:
        assert batch(quote(price, timedelta(minutes=minute)))["fired"] == expected, (price, minute)
    row = db.session.get(Alert, one.id)
    assert (row.status, row.fired_count) == ("active", 3)


@pytest.mark.parametrize(("condition", "window", "changes", "expected"), [
    ("change_up", "24h", [("1", "4"), ("1", "5.5"), ("1", "6"), ("1", "2"), ("1", "7")], [0, 1, 0, 0, 1]),
    ("change_down", "1h", [("-2", "-9"), ("-5", "0"), ("-6", "0"), ("1", "0")], [0, 1, 0, 0]),
    ("change_any", "24h", [("0", "-5"), ("0", "5"), (None, None), ("0", "1"), ("0", "6")], [1, 0, 0, 0, 1]),
])
def test_percent_change_alerts(cmc, condition, window, changes, expected):
    alert(condition=condition, level=None, threshold_pct=Decimal(5), window=window, recurring=True,
          cooldown_s=0)
    got = [batch(quote(100, timedelta(minutes=i), ch1h=ch1h, ch24h=ch24h))["fired"]
           for i, (ch1h, ch24h) in enumerate(changes)]
    assert got == expected


def test_only_the_alerts_of_the_batch_refs_are_read(cmc):
    mine, other, paused = alert(), alert(ref="cmc:1027", coin_id=1027, symbol="ETH"), alert(status="paused")
    assert batch(quote(150), quote(5, ref="cmc:2"))["fired"] == 1
    assert [db.session.get(Alert, a.id).last_as_of for a in (mine, other, paused)] == [T0, None, None]
    db.session.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table: as on a big one
    params = alert_batch.parameters(from_payload([quote(150)]))
    plan = db.session.execute(text("EXPLAIN " + alert_batch.MOVES.text), params).scalars().all()
    db.session.rollback()
    assert any("ix_alerts_active_ref" in line for line in plan), plan


CASES = [("price_above", "100", None, None, "100", None, None), ("price_above", "100", None, None, "99.9", None, None),
         ("price_below", "100", None, None, "100", None, None), ("price_below", "100", None, None, "101", None, None),
         ("change_up", None, "5", "24h", "1", "9", "5"), ("change_up", None, "5", "1h", "1", "4.99", "9"),
         ("change_down", None, "5", "24h", "1", None, "-5"), ("change_down", None, "5", "24h", "1", None, "5"),
         ("change_any", None, "5", "1h", "1", "-6", None), ("change_any", None, "5", "1h", "1", "2", None),
         ("change_any", None, "5", "1h", "1", None, "7"), ("change_up", None, "5", "24h", "1", "1", None)]


def test_the_statement_and_the_api_arm_see_the_same_side(cmc):
    """alert_rules.side_of (the API's arm) against the evaluation's statement, case by case."""
    for condition, level, threshold, window, price, ch1h, ch24h in CASES:
        row = alert(condition=condition, level=level and Decimal(level), recurring=True, cooldown_s=0,
                    threshold_pct=threshold and Decimal(threshold), window=window)
        seen = from_payload([quote(price, ch1h=ch1h, ch24h=ch24h)])["cmc:1"]
        batch(quote(price, ch1h=ch1h, ch24h=ch24h))
        expected = side_of(condition, row.level, row.threshold_pct, window, seen)
        assert db.session.get(Alert, row.id).last_side == expected, (condition, price, ch1h, ch24h)
        db.session.delete(db.session.get(Alert, row.id))
        db.session.commit()


def test_a_firing_is_mailed_once_and_the_relay_sends_what_was_left_pending(cmc, monkeypatch):
    alert(channels=["in_app", "mail"])
    batch(quote(150))
    sent = mails("ada@example.com")
    assert len(sent) == 1 and sent[0]["Subject"] == "AXA Platform price alert: BTC"
    body = sent[0].get_body(preferencelist=("plain",)).get_content()
    assert "the price reached 100" in body and "BTC was at 150" in body
    assert db.session.scalar(select(AlertEvent.mail_state)) == "sent"
    assert send_alert(db.session.scalar(select(AlertEvent.id))) == "duplicate"  # redelivered
    monkeypatch.setattr(alert_tasks, "send_mail_of", lambda events: None)  # the worker died after its commit
    alert(channels=["mail"], ref="cmc:2", coin_id=2, symbol="LTC")
    batch(quote(150, ref="cmc:2"))
    assert len(mails()) == 1 and db.session.scalar(select(func.count()).where(AlertEvent.mail_state == "pending"))
    db.session.execute(AlertEvent.__table__.update().values(fired_at=func.now() - timedelta(minutes=5)))
    db.session.commit()
    assert relay_mail() == 1
    assert len(mails()) == 2 and relay_mail() == 0


def test_a_day_precision_price_is_timed_by_its_fetch_so_the_day_s_later_prices_count():
    day, fetched = datetime(2026, 12, 4, tzinfo=UTC), T0
    records = [QuoteRecord("cbonds", "77", Decimal("99.5"), "pct_of_nominal", day, "day", fetched, "t"),
               QuoteRecord("cmc", "1", Decimal("100"), "currency", T0 - timedelta(minutes=1), "instant", fetched, "t",
                           change_pct=Decimal("2.5"), change_pct_1h=Decimal("-0.5"))]
    assert alert_payload(records) == [["cbonds:77", "99.5", None, None, fetched.isoformat()],
                                      ["cmc:1", "100", "-0.5", "2.5", (T0 - timedelta(minutes=1)).isoformat()]]
