"""Two beats at once send each periodic task once (security.md T7): the second stands by on the
Redis lock, and takes over when the first dies."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from kombu import Connection

from axa.platform.beat import LOCK_KEY
from axa.platform.redis_client import client_for
from tests.conftest import ROOT
from tests.platform.beat_app import EVERY, QUEUE


def _count() -> int:
    with Connection(os.environ["AXA_BROKER_URL"], connect_timeout=2) as conn:
        return conn.default_channel.queue_declare(QUEUE, passive=True).message_count


def _beat(tmp_path, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.platform.beat_app", "beat", "-l", "WARNING",
         "-S", "tests.platform.beat_app:QuickLockedScheduler", "-s", str(tmp_path / f"{name}-schedule"),
         "--pidfile", ""], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, what
        time.sleep(0.1)
    return value


@pytest.fixture
def beats(tmp_path, live_apps):
    with Connection(os.environ["AXA_BROKER_URL"], connect_timeout=2) as conn:
        channel = conn.default_channel
        channel.queue_declare(QUEUE, durable=True, auto_delete=False)
        channel.queue_purge(QUEUE)
    started = []
    yield lambda name: started.append(_beat(tmp_path, name)) or started[-1]
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    with Connection(os.environ["AXA_BROKER_URL"], connect_timeout=2) as conn:
        conn.default_channel.queue_delete(QUEUE)


def test_two_beats_send_each_tick_once_and_the_standby_takes_over(beats):
    redis = client_for(os.environ["AXA_REDIS_URL"])
    first = beats("first")
    _wait(lambda: (redis.get(LOCK_KEY) or "").split(":")[1:2] == [str(first.pid)], 20, "the first beat leads")
    second = beats("second")
    time.sleep(3)  # the second one is up and standing by
    start, began = _count(), time.monotonic()
    time.sleep(6)
    sent, elapsed = _count() - start, time.monotonic() - began
    assert elapsed / EVERY - 3 <= sent <= elapsed / EVERY + 2, (sent, elapsed)  # one beat's worth, not two
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    _wait(lambda: (redis.get(LOCK_KEY) or "").split(":")[1:2] == [str(second.pid)], 10, "the standby took over")
    before = _count()
    _wait(lambda: _count() >= before + 4, 10, "the new leader sends")


def test_the_platform_beat_uses_the_locked_scheduler():
    from axa.platform.celery_app import celery
    assert celery.conf.beat_scheduler == "axa.platform.beat:LockedScheduler"
