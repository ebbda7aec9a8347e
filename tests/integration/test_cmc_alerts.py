"""Price alerts end to end through a real worker: a cmc listings run against the vendor sandbox
fires an alert whose coin crosses, once, with one mail; a redelivered evaluation sends no second
mail; a worker SIGKILLed in the middle of an evaluation loses no alert and fires it once."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from celery import signature
from sqlalchemy import func, select, text

from axa.models.cmc import Alert, AlertEvent, User, db
from tests.conftest import mails
from tests.integration.conftest import (
    blocked_on_lock,
    consumer_counts,
    rabbitmq_redelivery,
    start_run,
    wait_for_run,
    wait_until,
)

EMAIL = "ada@example.com"


def add_alert(cmc) -> int:
    with cmc.app_context():
        db.session.add(User(id=7, email=EMAIL, display_name="Ada", status="active", version=1))
        alert = Alert(user_id=7, kind="coin", coin_id=1, symbol="BTC", ref="cmc:1", condition="price_above",
                      level=Decimal(1), recurring=False, cooldown_s=0, channels=["in_app", "mail"],
                      status="active", fired_count=0)
        db.session.add(alert)
        db.session.commit()
        alert_id = alert.id
        db.session.remove()
        return alert_id


def events(cmc) -> list[tuple]:
    with cmc.app_context():
        rows = db.session.execute(select(AlertEvent.alert_id, AlertEvent.mail_state)).all()
        db.session.remove()
        return [tuple(r) for r in rows]


def evaluation(payload: list, wait: bool = False):
    result = signature("cmc.alerts.evaluate_quotes", args=(payload,)).apply_async(ignore_result=not wait)
    return result.get(timeout=15) if wait else result


def test_a_listings_run_fires_once_and_a_redelivered_evaluation_mails_nothing_more(platform, vendors):
    cmc = platform["cmc"]
    alert_id = add_alert(cmc)
    run = wait_for_run(cmc, start_run(cmc, "cmc.listings", {"max_items": 10}), 25.0)
    assert run["status"] == "succeeded"
    wait_until(lambda: events(cmc) == [(alert_id, "sent")], 15.0, "the event and its mail")
    assert len(mails(EMAIL)) == 1
    with cmc.app_context():
        alert = db.session.get(Alert, alert_id)
        payload = [["cmc:1", str(alert.last_price), None, None, alert.last_as_of.isoformat()]]
        db.session.remove()
    assert evaluation(payload, wait=True) == {"quotes": 1, "fired": 0}  # the same batch again
    vendors.clock.advance(300)
    assert wait_for_run(cmc, start_run(cmc, "cmc.listings", {"max_items": 10}), 25.0)["status"] == "succeeded"
    assert events(cmc) == [(alert_id, "sent")] and len(mails(EMAIL)) == 1


@rabbitmq_redelivery
def test_a_worker_killed_during_an_evaluation_loses_no_alert(platform, worker):
    cmc = platform["cmc"]
    alert_id = add_alert(cmc)
    with cmc.app_context():
        engine = db.engine
    with engine.connect() as holder:  # the alert's row held: the evaluation waits on it
        holder.execute(text("SELECT id FROM alerts WHERE id = :id FOR UPDATE"), {"id": alert_id})
        evaluation([["cmc:1", "150", None, None, datetime.now(UTC).isoformat()]])
        wait_until(lambda: blocked_on_lock(platform, "cmc") >= 1, 10.0, "the evaluation waiting on the row")
        worker.kill()
        wait_until(lambda: sum(consumer_counts().values()) == 0, 5.0, "the broker saw the worker die")
        holder.rollback()
    worker.start()
    wait_until(lambda: events(cmc) == [(alert_id, "sent")], 20.0, "the redelivered evaluation's event")
    with cmc.app_context():
        fired = db.session.scalar(select(func.count()).select_from(AlertEvent))
        status = db.session.get(Alert, alert_id).status
        db.session.remove()
    assert (fired, status, len(mails(EMAIL))) == (1, "triggered", 1)


def test_a_recurring_alert_keeps_its_cooldown_through_the_worker(platform, worker):
    cmc = platform["cmc"]
    alert_id = add_alert(cmc)
    with cmc.app_context():
        db.session.execute(Alert.__table__.update().values(recurring=True, cooldown_s=600))
        db.session.commit()
        db.session.remove()
    start = datetime.now(UTC)
    fired = [evaluation([["cmc:1", price, None, None, (start + timedelta(minutes=minute)).isoformat()]],
                        wait=True)["fired"]
             for price, minute in (("0.5", 0), ("2", 1), ("0.5", 2), ("2", 3), ("2", 12), ("3", 13))]
    assert fired == [0, 1, 0, 0, 1, 0]  # back above within the cooldown: held until it has passed
    wait_until(lambda: events(cmc) == [(alert_id, "sent")] * 2, 15.0, "two events, both mailed")
    assert len(mails(EMAIL)) == 2
