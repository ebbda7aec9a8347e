"""Broker outage as the web app sees it (security.md T2): the app publishes through a TCP proxy in
front of the broker, the proxy is cut mid-run. Registration still answers 201 at once, its outbox
rows wait, and once the broker is back the sweep publishes them and every replica catches up."""
from __future__ import annotations

import importlib
import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from axa.models.auth import OutboxEntry, db
from axa.platform.celery_app import celery
from axa.platform.config import REPLICA_SUBSYSTEMS
from axa.tasks.auth.sync import CONFIRM_TIMEOUT, QUICK_RETRY, SWEEP_GRACE, relay_outbox
from tests.conftest import register
from tests.integration.conftest import rabbitmq_confirms, wait_until
from tests.integration.proxy import TcpProxy


def _use_broker(url: str) -> None:
    """Point the test process's publisher (the web apps' Celery) at ``url``, with fresh pools."""
    celery.conf.broker_url = url
    celery._pool = None
    celery.amqp._producer_pool = None


@pytest.fixture
def broker_proxy(platform):
    real = celery.conf.broker_url
    proxy, through_proxy = TcpProxy.in_front_of(real)
    _use_broker(through_proxy)
    yield proxy
    celery.amqp.producer_pool.force_close_all()
    celery.pool.force_close_all()
    proxy.close()
    _use_broker(real)


def emails_in(apps, sub) -> set[str]:
    module = importlib.import_module(f"axa.models.{sub}")
    with apps[sub].app_context():
        return set(module.db.session.scalars(select(module.User.email)))


def everywhere(apps, emails: set[str]) -> bool:
    return all(emails <= emails_in(apps, sub) for sub in REPLICA_SUBSYSTEMS)


def pending_topics(apps) -> list[str]:
    with apps["auth"].app_context():
        return list(db.session.scalars(select(OutboxEntry.topic).where(OutboxEntry.published_at.is_(None))
                                       .order_by(OutboxEntry.id)))


def _register_while(platform, outage) -> float:
    """Register through the proxy, start ``outage``, register again; returns that request's time."""
    auth = platform["auth"].test_client()
    assert celery.conf.broker_url != os.environ["AXA_BROKER_URL"]
    assert register(auth, email="before@example.com").status_code == 201  # the pool now holds a link
    wait_until(lambda: everywhere(platform, {"before@example.com"}), 5.0, "sync through the proxy")
    outage()
    started = time.monotonic()
    assert register(auth, email="during@example.com").status_code == 201
    elapsed = time.monotonic() - started
    assert pending_topics(platform) == ["user", "mail"]  # left for the sweep, not lost
    assert not any("during@example.com" in emails_in(platform, sub) for sub in REPLICA_SUBSYSTEMS)
    return elapsed


def _recover(platform, proxy) -> None:
    """Broker back: the sweep publishes the waiting rows through the recovered pool."""
    proxy.restore()
    with platform["auth"].app_context():  # the sweep's grace period has passed
        db.session.execute(update(OutboxEntry).where(OutboxEntry.published_at.is_(None))
                           .values(created_at=OutboxEntry.created_at - SWEEP_GRACE - timedelta(seconds=1)))
        db.session.commit()
        assert relay_outbox() == 2  # as beat runs it, in the web apps' process and pools
    assert pending_topics(platform) == []
    wait_until(lambda: everywhere(platform, {"during@example.com"}), 5.0, "sync after the sweep")
    assert register(platform["auth"].test_client(), email="after@example.com").status_code == 201
    wait_until(lambda: everywhere(platform, {"after@example.com"}), 5.0, "sync once the broker is back")
    assert pending_topics(platform) == []


def test_broker_down_registration_answers_at_once_and_the_sweep_catches_up(platform, broker_proxy):
    assert _register_while(platform, broker_proxy.cut) < 2.0
    _recover(platform, broker_proxy)


@rabbitmq_confirms
def test_silent_broker_does_not_hang_registration(platform, broker_proxy):
    """Connections open but nothing answers (a partition): the publish gives up after the confirm
    timeout and a reconnect attempt per retry (broker_connection_timeout each), about 5 s, where
    without a confirm timeout the request would wait forever."""
    retries = QUICK_RETRY["max_retries"] + 1
    budget = CONFIRM_TIMEOUT + retries * celery.conf.broker_connection_timeout + 1.5
    assert _register_while(platform, broker_proxy.freeze) < budget
    broker_proxy.cut()  # the partition heals with the old connections reset
    _recover(platform, broker_proxy)
