"""Real Celery workers for integration tests: a ``celery worker`` subprocess on every queue of
celeryconfig, with the test process's AXA_* environment, consuming from this run's broker
(RabbitMQ vhost in CI, the Redis broker of the embedded default on a bare machine).

One worker serves the whole session; a test that kills it gets a fresh one started. Every test
starts with the worker consuming (it answers ``active_queues`` for every queue: a broker-neutral
check), its queues purged and fresh databases (``live_apps``: no eager mode, the web apps
publish to the real broker). The worker's vendor clients point at the session's vendor sandbox
(a thread of this process) with loose limits, set before it starts. It also runs the test-only
tasks of tests/integration/worker_tasks.py (``-I``).

What only RabbitMQ does is marked: ``rabbitmq_redelivery`` (a killed worker's unacked messages
come back at once) and ``rabbitmq_confirms`` (publisher confirms); on another broker those tests
are skipped with that reason. What a Redis broker does is tested in every environment by
test_worker_recovery.py, with a worker of its own on a Redis database of this run's Redis.
"""
from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from kombu import Connection
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

import celeryconfig
from axa.platform.celery_app import celery
from axa.platform.config import database_url
from ops.sandbox.state import VENDORS
from tests.conftest import ROOT
from tests.tasks.ingest_helpers import START, sandbox_server  # noqa: F401 (the session's vendor sandbox)

WORKER_START_TIMEOUT = 30.0
ON_RABBITMQ = os.environ["AXA_BROKER_URL"].startswith(("amqp://", "amqps://", "pyamqp://"))
rabbitmq_redelivery = pytest.mark.skipif(
    not ON_RABBITMQ, reason="RabbitMQ-only: it redelivers a SIGKILLed worker's unacked messages as "
    "soon as the connection drops; a Redis broker redelivers them only after the visibility "
    f"timeout ({celeryconfig.VISIBILITY_TIMEOUT} s)")
rabbitmq_confirms = pytest.mark.skipif(
    not ON_RABBITMQ, reason="RabbitMQ-only: publisher confirms (confirm_timeout) bound a publish to "
    "a silent broker; a Redis broker has no confirms")
TEST_TASKS = "tests.integration.worker_tasks"  # test-only tasks, imported by the test workers alone
BACKOFF_BASE = 0.1  # AXA_INGEST_BACKOFF_BASE of the test worker: poll retries after 0.1, 0.2, 0.4 … s


def vendor_env(base_url: str) -> dict[str, str]:
    """The worker's vendor settings: every vendor at the sandbox, loose limits, no quotas."""
    env = {"AXA_INGEST_BACKOFF_BASE": str(BACKOFF_BASE)}
    for vendor in VENDORS:
        key = f"AXA_{vendor.upper()}_"
        env.update({key + "BASE_URL": f"{base_url}/{vendor}", key + "RATE_PER_MIN": "600000",
                    key + "BURST": "10000", key + "DAILY_QUOTA": "0", key + "MONTHLY_QUOTA": "0"})
    return env


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


def broker_connection(url: str | None = None) -> Connection:
    """A connection straight to this run's broker, or to ``url`` (never through a test's proxy)."""
    return Connection(url or os.environ["AXA_BROKER_URL"], connect_timeout=2)


def consumer_counts() -> dict[str, int]:
    """RabbitMQ's consumers per queue (a Redis broker does not count consumers)."""
    with broker_connection() as conn:
        channel = conn.channel()
        try:
            return {q: channel.queue_declare(q, passive=True).consumer_count
                    for q in celeryconfig.QUEUE_NAMES}
        finally:
            channel.close()


def purge_queues(url: str | None = None) -> None:
    with broker_connection(url) as conn:
        channel = conn.channel()
        for queue in celeryconfig.QUEUE_NAMES:
            channel.queue_purge(queue)
        channel.close()


class WorkerProcess:
    """``celery worker`` as a subprocess in its own process group (main process + pool children)."""

    def __init__(self, log_path: Path, env: dict[str, str] | None = None, include: tuple[str, ...] = (),
                 control: Celery | None = None):
        """``env`` overrides the test process's environment (``AXA_BROKER_URL``: another broker,
        or a proxy in front of one); ``include`` names extra task modules (``-I``); ``control``
        is a Celery app on the broker the test reaches the worker through, when that is not this
        run's (remote control publishes through its app's producer pool, so it needs its own)."""
        self.log_path = log_path
        self.env = dict(env or {})
        self.include = include
        self.control = control
        self.name = ""
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "axa.platform.celery_app", "worker",
                "-Q", ",".join(celeryconfig.QUEUE_NAMES), "-c", "2", "--without-gossip",
                "--without-mingle", "-E", "-n", self.name, "--loglevel", "INFO",
                *(["-I", ",".join(self.include)] if self.include else [])]

    def start(self) -> None:
        self.name = f"axa-test-{uuid.uuid4().hex[:8]}@localhost"
        self._log = open(self.log_path, "ab")  # closed in _reap
        self.proc = subprocess.Popen(self.command(), cwd=ROOT, env={**os.environ, **self.env},
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while not self.consuming():
            if not self.running or time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"worker did not start consuming:\n{self.log_tail()}")
            time.sleep(0.1)

    def inspect(self, method: str, timeout: float = 0.5):
        """This worker's answer to a remote-control ``inspect`` method, or None if it is silent."""
        app = self.control or celery
        with broker_connection(self.control and self.control.conf.broker_url) as conn:
            inspector = app.control.inspect([self.name], timeout=timeout, connection=conn, limit=1)
            return (getattr(inspector, method)() or {}).get(self.name)

    def consuming(self) -> bool:
        """The worker answers remote control with every queue among its consumers (its control
        consumer starts after the task consumers, on any broker)."""
        queues = {queue["name"] for queue in self.inspect("active_queues") or ()}
        return queues >= set(celeryconfig.QUEUE_NAMES)

    def pool_pids(self) -> set[int]:
        return set((self.inspect("stats") or {}).get("pool", {}).get("processes", ()))

    def idle(self) -> bool:
        """Nothing running, prefetched or waiting for its ETA (a retry's countdown) in the worker."""
        return all(self.inspect(method) == [] for method in ("active", "reserved", "scheduled"))

    def settle(self, timeout: float = 20.0) -> None:
        """Wait until the work an earlier test left (a task still running, a retry counting down)
        is over, with the queues emptied; restart the worker if it does not end in ``timeout``.
        Such a task still writing while the next test empties the tables deadlocks the TRUNCATE
        or leaves the next test rows it did not make."""
        purge_queues()
        deadline = time.monotonic() + timeout
        while not self.idle():
            if time.monotonic() > deadline:
                self.stop()
                purge_queues()
                self.start()
                return
            time.sleep(0.05)
        purge_queues()

    def running_task(self, name: str) -> dict | None:
        """The first task called ``name`` that a pool process is running (id, worker_pid, …)."""
        return next((t for t in self.inspect("active") or () if t["name"] == name and t["worker_pid"]), None)

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


@pytest.fixture(scope="package")
def celery_worker(databases, sandbox_server):  # noqa: F811
    """One real worker for the integration tests, stopped when they end: the tests after them run
    Celery eagerly, and a worker left running would take their work (its live inbox relay reads
    the same Redis)."""
    log_dir = Path(tempfile.mkdtemp(prefix="axa-test-worker-"))
    worker = WorkerProcess(log_dir / "worker.log", vendor_env(sandbox_server.base_url), include=(TEST_TASKS,))
    with broker_connection() as conn:  # declare every queue, drop what earlier runs left
        celery.amqp.TaskConsumer(conn).purge()
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def worker(celery_worker):
    """The worker running and consuming, idle, with every queue of this vhost empty."""
    if not celery_worker.running:
        celery_worker.start()
    celery_worker.settle()
    return celery_worker


@pytest.fixture
def platform(worker, live_apps):
    """Fresh databases and apps publishing to the broker the worker consumes from."""
    assert not celery.conf.task_always_eager
    return live_apps


# ---- user sync: what the replicas hold, and a worker's statement held on a lock -------------
def replica_versions(apps, sub) -> dict[int, int]:
    module = importlib.import_module(f"axa.models.{sub}")
    with apps[sub].app_context():
        return dict(module.db.session.execute(select(module.User.id, module.User.version)).all())


def blocked_on_lock(apps, sub) -> int:
    """How many of the worker's statements wait on a lock in ``sub``'s database."""
    with apps["auth"].app_context():
        return apps["auth"].extensions["sqlalchemy"].session.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = :name AND wait_event_type = 'Lock'"),
            {"name": make_url(database_url(sub)).database}).scalar()


# ---- market data: the session's vendor sandbox and ingest runs through the worker ------------
@pytest.fixture
def vendors(platform, sandbox_server, monkeypatch):  # noqa: F811
    """The session's vendor sandbox, reset: clock at START, no faults, empty request log. FMP
    quote batches of 100 symbols, one vendor call each, so faults land on whole batches."""
    monkeypatch.setenv("AXA_BATCH_FMP_QUOTES", "100")
    state = sandbox_server.app.extensions["sandbox"]
    sandbox_server.clock.now = START
    for vendor in VENDORS:
        state.reset_vendor(vendor)
    state.clear_requests()
    sandbox_server.state = state
    return sandbox_server


def start_run(app, dataset: str, params: dict | None = None) -> int:
    """Dispatch a run as beat's dispatcher does (here, in the test process, through the
    subsystem's ``<sub>.dispatch.start_run``): its batches go to the broker, the worker polls and
    stores them."""
    with app.app_context():
        return app.extensions["market"].start_run(dataset, params, trigger="test")["run_id"]


def run_record(app, run_id: int) -> dict:
    with app.app_context():
        return app.extensions["market"].run(run_id).to_dict()


def wait_for_run(app, run_id: int, timeout: float, progress: list | None = None) -> dict:
    """The run's record once it is no longer running; ``progress`` collects batches_done seen."""
    def finished():
        run = run_record(app, run_id)
        if progress is not None and (not progress or progress[-1] != run["batches_done"]):
            progress.append(run["batches_done"])
        return run["status"] != "running" and run
    return wait_until(finished, timeout, f"run {run_id} finished", interval=0.02)
