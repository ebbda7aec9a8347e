"""User sync through a real Celery worker: registration reaches every replica within
seconds, and a worker killed with SIGKILL mid fan-out loses nothing once a new one runs."""
from __future__ import annotations

import importlib
import time

from sqlalchemy import func, select, text

from axa.models.auth import OutboxEntry, User, db
from axa.platform.config import REPLICA_SUBSYSTEMS
from tests.conftest import bearer, login, mails, register, token_from
from tests.integration.conftest import (
    blocked_on_lock,
    consumer_counts,
    rabbitmq_redelivery,
    replica_versions,
    wait_until,
)

USERS = 30


def auth_versions(apps) -> dict[int, int]:
    with apps["auth"].app_context():
        return dict(db.session.execute(select(User.id, User.version)).all())


def test_registration_reaches_every_replica_within_five_seconds(platform):
    clients = {sub: app.test_client() for sub, app in platform.items()}
    started = time.monotonic()
    assert register(clients["auth"]).status_code == 201
    sid = login(clients["auth"]).get_json()["session_id"]

    def replicas_answer():
        answers = {sub: clients[sub].get("/api/v1/me", headers=bearer(sid)) for sub in REPLICA_SUBSYSTEMS}
        return all(r.status_code == 200 for r in answers.values()) and answers

    answers = wait_until(replicas_answer, 5.0 - (time.monotonic() - started), "every /api/v1/me is 200")
    for sub, response in answers.items():
        body = response.get_json()
        assert (body["email"], body["status"], body["version"]) == ("ada@example.com", "active", 1), sub
    [mail] = wait_until(lambda: mails("ada@example.com"), 5.0, "the confirmation mail, sent by the worker")
    with platform["auth"].app_context():
        assert db.session.scalar(select(func.count()).where(OutboxEntry.published_at.is_(None))) == 0
    token = token_from(mail)  # minted by the worker: the request published only the outbox row's id
    browser = platform["auth"].test_client(use_cookies=False)
    assert browser.post("/api/v1/auth/confirm", json={"token": token}).status_code == 200


def _converged(apps, expected: dict[int, int]):
    found = {sub: replica_versions(apps, sub) for sub in REPLICA_SUBSYSTEMS}
    return all(rows == expected for rows in found.values()) and found


@rabbitmq_redelivery
def test_worker_killed_mid_fan_out_then_replaced_converges(platform, worker):
    auth = platform["auth"].test_client()
    with platform["stream"].app_context():
        blocker = platform["stream"].extensions["sqlalchemy"].engine.connect()
    try:
        # hold the stream replica: its upserts hang inside the worker, unacked (late ack)
        blocker.execute(text("LOCK TABLE users IN EXCLUSIVE MODE"))
        for n in range(USERS):
            assert register(auth, email=f"user{n}@example.com").status_code == 201
        wait_until(lambda: blocked_on_lock(platform, "stream") >= 1, 10.0, "an upsert in flight")
        worker.kill()
        wait_until(lambda: sum(consumer_counts().values()) == 0, 5.0, "the broker saw the worker die")
    finally:
        blocker.rollback()
        blocker.close()
    expected = auth_versions(platform)
    assert len(expected) == USERS and set(expected.values()) == {1}
    assert replica_versions(platform, "stream") == {}
    worker.start()
    found = wait_until(lambda: _converged(platform, expected), 20.0, "every replica has every user")
    for sub in REPLICA_SUBSYSTEMS:
        module = importlib.import_module(f"axa.models.{sub}")
        with platform[sub].app_context():
            total, distinct = module.db.session.execute(
                select(func.count(), func.count(func.distinct(module.User.email)))).one()
        assert total == distinct == len(found[sub]) == USERS, sub
