"""Real Celery workers for integration tests: a ``celery worker`` subprocess on every queue of
celeryconfig, with the test process's AXA_* environment, consuming from this run's vhost.

One worker serves the whole session; a test that kills it gets a fresh one started. Every test
starts with the worker consuming, its queues purged and fresh databases (``live_apps``: no eager
mode, the web apps publish to the real broker).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from kombu import Connection

import celeryconfig
from axa.platform.celery_app import celery
from tests.conftest import ROOT

WORKER_START_TIMEOUT = 30.0


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.1f} s: {what}")
        time.sleep(interval)


def broker_connection() -> Connection:
    """A connection straight to this run's broker (never through a test's proxy)."""
    return Connection(os.environ["AXA_BROKER_URL"], connect_timeout=2)


def consumer_counts() -> dict[str, int]:
    with broker_connection() as conn:
        channel = conn.channel()
        try:
            return {q: channel.queue_declare(q, passive=True).consumer_count
                    for q in celeryconfig.QUEUE_NAMES}
        finally:
            channel.close()


def purge_queues() -> None:
    with broker_connection() as conn:
        channel = conn.channel()
        for queue in celeryconfig.QUEUE_NAMES:
            channel.queue_purge(queue)
        channel.close()


class WorkerProcess:
    """``celery worker`` as a subprocess in its own process group (main process + pool children)."""

    def __init__(self, log_path: Path):
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "axa.platform.celery_app", "worker",
                "-Q", ",".join(celeryconfig.QUEUE_NAMES), "-c", "2", "--without-gossip",
                "--without-mingle", "-E", "-n", f"axa-test-{uuid.uuid4().hex[:8]}@localhost",
                "--loglevel", "INFO"]

    def start(self) -> None:
        self._log = open(self.log_path, "ab")  # closed in _reap
        self.proc = subprocess.Popen(self.command(), cwd=ROOT, env=dict(os.environ),
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while not self._consuming():
            if not self.running or time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"worker did not start consuming:\n{self.log_tail()}")
            time.sleep(0.1)

    def _consuming(self) -> bool:
        try:
            return all(count >= 1 for count in consumer_counts().values())
        except Exception:  # queues not declared yet by a first worker
            return False

    def kill(self) -> None:
        """SIGKILL the whole process group: no warm or cold shutdown, no acks."""
        if self.running:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._reap()

    def stop(self) -> None:
        if self.running:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        if self.proc is not None:
            self.proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def celery_worker(databases):
    # redelivery on worker loss and publisher confirms are RabbitMQ's (a Redis broker redelivers
    # only after the visibility timeout): these tests need the real broker, as CI names it
    assert os.environ["AXA_BROKER_URL"].startswith("amqp://"), "set AXA_BROKER_URL to RabbitMQ"
    log_dir = Path(tempfile.mkdtemp(prefix="axa-test-worker-"))
    worker = WorkerProcess(log_dir / "worker.log")
    with broker_connection() as conn:  # declare every queue, drop what earlier runs left
        celery.amqp.TaskConsumer(conn).purge()
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def worker(celery_worker):
    """The worker running and consuming, with every queue of this vhost empty."""
    if not celery_worker.running:
        celery_worker.start()
    purge_queues()
    return celery_worker


@pytest.fixture
def platform(worker, live_apps):
    """Fresh databases and apps publishing to the broker the worker consumes from."""
    assert not celery.conf.task_always_eager
    return live_apps
