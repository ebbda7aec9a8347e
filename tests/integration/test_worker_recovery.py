"""Worker recovery on a Redis broker, the embedded default's (security.md T1 b, T2, T9), in every
environment, CI included: this module runs a worker of its own whose broker is the spare database
of this run's Redis (AXA_TEST_REDIS_DB + 3, which no other test uses), reached through a TCP proxy
the tests cut and restore.

- A pool process SIGKILLed mid-task: the message is requeued at once (reject_on_worker_lost), not
  after the visibility timeout, and the sync converges once; the worker keeps consuming.
- The broker link cut and restored: the worker reconnects and consumes again, and nothing
  published before or during the cut is lost, not even the tasks that were running at the cut.
- Poison: a task that SIGKILLs its process every time is dropped to ``axa:dead-letters`` after
  MAX_DELIVERIES deliveries while other tasks flow; on the session's RabbitMQ worker too, at the
  same time, when that is the run's broker (CI). The test-only tasks are in worker_tasks.py.
"""
from __future__ import annotations

import os
import signal
import time
import uuid

import pytest
import redis
from celery import Celery
from kombu import Connection
from sqlalchemy import text

import celeryconfig
from axa.platform.celery_app import MAX_DELIVERIES, celery
from axa.platform.config import REPLICA_SUBSYSTEMS
from axa.platform.redis_client import client_for
from tests.conftest import spare_redis_url
from tests.integration.conftest import (
    ON_RABBITMQ,
    TEST_TASKS,
    WorkerProcess,
    blocked_on_lock,
    purge_queues,
    replica_versions,
    vendor_env,
    wait_until,
)
from tests.integration.proxy import TcpProxy

QUEUE = "auth.sessions"  # the test tasks ride a quiet queue of the worker's -Q list
# A killed pool process's task runs again within this: Celery notices the dead process within
# its 5 s pool check (often at once) and requeues the message; the broker's own redelivery would
# wait for the visibility timeout (celeryconfig.VISIBILITY_TIMEOUT, 3600 s).
REQUEUE_DEADLINE = 8.0
HOLD = 2.0  # seconds each pool process is kept busy while the broker link is cut
OUTAGE = 1.5
POISON_DEADLINE = 45.0  # MAX_DELIVERIES deaths, each noticed within Celery's 5 s pool check


@pytest.fixture(scope="module")
def redis_broker():
    """The spare Redis database, emptied, and a Celery app on it (the platform's configuration)
    to publish to it and to reach the worker's remote control."""
    url = spare_redis_url()
    with redis.Redis.from_url(url) as broker:
        broker.flushdb()
    app = Celery("axa-test-redis-broker", broker=url, set_as_current=False)
    app.config_from_object("celeryconfig")
    yield app
    app.close()


@pytest.fixture(scope="module")
def broker_link(redis_broker):
    """The worker's way to the broker: a proxy, and the broker URL through it."""
    proxy, url = TcpProxy.in_front_of(redis_broker.conf.broker_url)
    yield proxy, url
    proxy.close()


@pytest.fixture(scope="module")
def redis_worker_process(databases, sandbox_server, redis_broker, broker_link, tmp_path_factory):
    env = {**vendor_env(sandbox_server.base_url), "AXA_BROKER_URL": broker_link[1]}
    worker = WorkerProcess(tmp_path_factory.mktemp("redis-worker") / "worker.log", env,
                           include=(TEST_TASKS,), control=redis_broker)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def redis_worker(redis_worker_process, broker_link, redis_broker, live_apps):
    """The Redis-broker worker linked and consuming, its queues empty, fresh databases."""
    if not broker_link[0].listening:
        broker_link[0].restore()
    if not redis_worker_process.running:
        redis_worker_process.start()
    wait_until(redis_worker_process.consuming, 15.0, "the Redis-broker worker consumes")
    purge_queues(redis_broker.conf.broker_url)
    return redis_worker_process


def notes(key: str) -> list[tuple[int, str]]:
    """What the test tasks noted under ``key``, in order: (pool process id, tag)."""
    entries = client_for(os.environ["AXA_REDIS_URL"]).lrange(key, 0, -1)
    return [(int(pid), tag) for pid, tag in (entry.split(" ", 1) for entry in entries)]


def tags(key: str) -> list[str]:
    return [tag for _, tag in notes(key)]


def unacked(broker_url: str) -> int:
    """Messages a Redis broker holds as delivered and unacknowledged (back only after the
    visibility timeout unless acked or requeued)."""
    with Connection(broker_url) as conn:
        channel = conn.default_channel
        return channel.client.hlen(channel.unacked_key)


def snapshot(user_id: int) -> dict:
    return {"id": user_id, "email": f"user{user_id}@example.com", "display_name": f"User {user_id}",
            "status": "active", "roles": [], "version": 1}


def test_pool_process_killed_mid_task_is_requeued_at_once_and_syncs_once(redis_worker, redis_broker,
                                                                          live_apps):
    assert REQUEUE_DEADLINE < celeryconfig.VISIBILITY_TIMEOUT
    main_pid, stream = redis_worker.proc.pid, live_apps["stream"]
    with stream.app_context():
        blocker = stream.extensions["sqlalchemy"].engine.connect()
    try:  # hold the stream replica: its upsert hangs inside a pool process, unacked (late ack)
        blocker.execute(text("LOCK TABLE users IN EXCLUSIVE MODE"))
        redis_broker.send_task("auth.sync.fan_out_user", args=(snapshot(1),))
        held = wait_until(lambda: redis_worker.running_task("stream.sync.upsert_users"), 10.0,
                          "the stream upsert running")
        wait_until(lambda: blocked_on_lock(live_apps, "stream") >= 1, 5.0, "the upsert held on the lock")
        os.kill(held["worker_pid"], signal.SIGKILL)  # the pool process only, not the worker
        again = wait_until(lambda: (t := redis_worker.running_task("stream.sync.upsert_users"))
                           and t["worker_pid"] != held["worker_pid"] and t, REQUEUE_DEADLINE,
                           "the same message running again in a new pool process")
    finally:
        blocker.rollback()
        blocker.close()
    assert again["id"] == held["id"]  # the message itself, requeued, not a retry
    wait_until(lambda: all(replica_versions(live_apps, sub) == {1: 1} for sub in REPLICA_SUBSYSTEMS),
               10.0, "every replica has the user, once")
    redis_app = client_for(os.environ["AXA_REDIS_URL"])
    assert redis_app.get(f"axa:deliveries:{held['id']}:0") == "2"  # delivered twice, applied once
    # the worker itself lived on, with a new pool process, and keeps consuming
    assert redis_worker.running and redis_worker.proc.pid == main_pid
    assert held["worker_pid"] not in redis_worker.pool_pids() and len(redis_worker.pool_pids()) == 2
    redis_broker.send_task("auth.sync.fan_out_user", args=(snapshot(2),))
    wait_until(lambda: all(replica_versions(live_apps, sub) == {1: 1, 2: 1} for sub in REPLICA_SUBSYSTEMS),
               5.0, "the next user everywhere")
    # the late ack follows the task's commit: give it a moment, far below the visibility timeout
    wait_until(lambda: unacked(redis_broker.conf.broker_url) == 0, 5.0, "every delivery acknowledged")


def test_worker_cut_from_the_broker_reconnects_and_loses_nothing(redis_worker, redis_broker, broker_link):
    proxy, key = broker_link[0], f"recovery:{uuid.uuid4().hex}"
    main_pid, pool = redis_worker.proc.pid, redis_worker.pool_pids()

    def send(name: str, *args) -> None:  # straight to the broker, never through the cut link
        redis_broker.send_task(name, args=(key, *args), queue=QUEUE)

    for n in (1, 2):  # both pool processes busy, so the next messages wait in the broker
        send("auth.recovery.hold_slot", f"hold{n}", HOLD)
    waiting = [f"before{n}" for n in range(5)]
    for tag in waiting:
        send("auth.recovery.record_call", tag)
    wait_until(lambda: len(notes(key)) == 2, 5.0, "both hold tasks started")
    proxy.cut()
    assert sorted(tags(key)) == ["hold1 started", "hold2 started"]  # the rest waits in the broker
    during = [f"during{n}" for n in range(5)]
    for tag in during:
        send("auth.recovery.record_call", tag)
    time.sleep(OUTAGE)
    proxy.restore()
    expected = sorted(["hold1 started", "hold1 done", "hold2 started", "hold2 done", *waiting, *during])
    wait_until(lambda: len(notes(key)) >= len(expected), 15.0, "every task run after the outage")
    time.sleep(0.3)  # room for a duplicate to show
    assert sorted(tags(key)) == expected  # each once: none lost, none run twice
    assert redis_worker.consuming() and redis_worker.proc.pid == main_pid
    assert redis_worker.pool_pids() == pool  # the running tasks were left to finish, not killed
    # nothing parked for the visibility timeout (the last late ack may trail the task's effect)
    wait_until(lambda: unacked(redis_broker.conf.broker_url) == 0, 5.0, "every delivery acknowledged")


@pytest.fixture
def poison_targets(redis_worker, redis_broker, request) -> dict:
    """Where the poison goes, each a worker and the Celery app publishing to its broker: this
    module's Redis-broker worker, and the session's worker too when the run's broker is RabbitMQ
    (CI). Both at once: each death waits for Celery's pool check, so in turn they would take twice
    as long."""
    targets = {"redis": (redis_worker, redis_broker)}
    if ON_RABBITMQ:
        targets["rabbitmq"] = (request.getfixturevalue("worker"), celery)
    return targets


def assert_poison_dropped_while_others_flowed(key: str, flowing: list[str]) -> None:
    seen = notes(key)
    deliveries = [n for n, (_, tag) in enumerate(seen) if tag == "killing myself"]
    killed = {seen[n][0] for n in deliveries}
    assert len(deliveries) == len(killed) == MAX_DELIVERIES, key  # each delivery killed a pool process
    assert sorted(tag for _, tag in seen if tag != "killing myself") == sorted(flowing), key  # each once
    assert any(tag != "killing myself" for _, tag in seen[deliveries[0]:deliveries[-1]]), key  # meanwhile


def test_poison_message_is_dead_lettered_after_the_cap_while_other_tasks_flow(poison_targets):
    key, started = f"recovery:{uuid.uuid4().hex}", time.monotonic()
    main_pids = {name: worker.proc.pid for name, (worker, _) in poison_targets.items()}
    poisons = {name: app.send_task("auth.recovery.kill_own_process", args=(f"{key}:{name}",), queue=QUEUE)
               for name, (_, app) in poison_targets.items()}
    dead_letters, flowing = client_for(os.environ["AXA_REDIS_URL"]), []
    while dead_letters.llen("axa:dead-letters") < len(poisons):  # other tasks all along, same queue
        assert time.monotonic() - started < POISON_DEADLINE, "the poison not dead-lettered in time"
        flowing.append(f"task{len(flowing)}")
        for name, (_, app) in poison_targets.items():
            app.send_task("auth.recovery.record_call", args=(f"{key}:{name}", flowing[-1]), queue=QUEUE)
        time.sleep(0.1)
    assert sorted(dead_letters.lrange("axa:dead-letters", 0, -1)) == sorted(
        f"auth.recovery.kill_own_process {poison.id}" for poison in poisons.values())
    for name, (worker, _) in poison_targets.items():
        wait_until(lambda k=f"{key}:{name}": set(flowing) <= set(tags(k)), 5.0, f"every task run ({name})")
        assert_poison_dropped_while_others_flowed(f"{key}:{name}", flowing)
        assert worker.running and worker.proc.pid == main_pids[name] and worker.consuming(), name
