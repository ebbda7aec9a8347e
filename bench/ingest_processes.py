"""The processes the ingest benchmark runs beside itself: the vendor sandbox (gunicorn, as ``make
run`` serves it, on a manual clock) and the stocks pipeline's ``celery worker`` processes (grouped
and pooled as ``make run`` starts them), and the CPU they use."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import suppress

from bench import environment
from bench.servers import ROOT, free_port

QUEUES = ("stocks.dispatch", "stocks.poll.fmp", "stocks.format")


def serve_sandbox(port: int, start: float, buckets: int) -> None:
    """The vendor sandbox as ``make run`` serves it (gunicorn, ops/sandbox/server.py), on a manual
    clock, no per-minute windows, keeping ``buckets`` ticks' quotes rendered (run in a child
    process, until SIGTERM)."""
    from ops.sandbox.__main__ import warm_up
    from ops.sandbox.app import create_sandbox_app
    from ops.sandbox.server import serve
    from ops.sandbox.state import VENDORS, ManualClock, SandboxConfig
    config = SandboxConfig(rpm=dict.fromkeys(VENDORS, 0), quote_buckets=buckets)

    def factory():
        warm_up(config.seed)
        return create_sandbox_app(config, clock=ManualClock(start))
    serve(factory, "127.0.0.1", port, quiet=True)


class SandboxProcess:
    def __init__(self, start: float, buckets: int = 2):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        code = (f"from bench.ingest_processes import serve_sandbox; "
                f"serve_sandbox({self.port}, {start!r}, {buckets})")
        self.proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.DEVNULL)

    def call(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            try:
                self.call("GET", "/_sandbox/health")
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the vendor sandbox did not start")

    def advance(self, seconds: float) -> None:
        self.call("POST", "/_sandbox/clock", {"advance_seconds": seconds})

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)


def vendor_env(base_url: str) -> dict[str, str]:
    """The clients pointed at the sandbox, limits out of the way (the bench measures throughput)."""
    env = {}
    for vendor in ("fmp", "cmc", "cbonds", "terrapin"):
        key = f"AXA_{vendor.upper()}_"
        env.update({key + "BASE_URL": f"{base_url}/{vendor}", key + "RATE_PER_MIN": "100000000",
                    key + "BURST": "1000000", key + "DAILY_QUOTA": "0", key + "MONTHLY_QUOTA": "0"})
    return env


class PipelineWorker:
    """The ``celery worker`` processes of ``queues`` as ``make run`` starts them: the queues
    (emptied first) grouped by ``ops.run.worker_groups``, each group with ``ops.run.pool_options``
    for ``concurrency``. The stocks pipeline's (the default): the FMP poll queue in a worker of its
    own, dispatch and format in the pipeline worker, a fixed prefork pool of ``concurrency``
    processes each on this hot path; socweb's feeds: the background worker (autoscaled)."""

    def __init__(self, env: dict[str, str], concurrency: int, queues: tuple[str, ...] = QUEUES,
                 label: str = "ingest"):
        from axa.platform.celery_app import celery
        from ops.run import pool_options, worker_groups
        self.celery, tag = celery, uuid.uuid4().hex[:8]
        environment.empty_queues(*queues)
        self.groups = {f"bench-{label}-{group}-{tag}@localhost": (grouped, pool_options(group, concurrency))
                       for group, grouped in worker_groups(queues).items()}
        self.log = tempfile.NamedTemporaryFile(prefix="axa-bench-worker-", suffix=".log")
        celery_worker = [sys.executable, "-m", "celery", "-A", "axa.platform.celery_app", "worker"]
        self.procs = [subprocess.Popen(
            [*celery_worker, "-Q", ",".join(queues), *pool, "--without-gossip", "--without-mingle",
             "-n", name, "-E", "--loglevel", "WARNING"], cwd=ROOT,
            env={**os.environ, **env}, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True) for name, (queues, pool) in self.groups.items()]

    @property
    def pids(self) -> list[int]:
        return [proc.pid for proc in self.procs]

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while all(p.poll() is None for p in self.procs) and time.monotonic() < deadline:
            replies = self.celery.control.inspect(list(self.groups), timeout=0.5, limit=len(self.groups)
                                                  ).active_queues() or {}
            if all({q["name"] for q in replies.get(name) or ()} >= set(queues)
                   for name, (queues, _) in self.groups.items()):
                return
        self.log.seek(0)
        raise SystemExit(f"the workers did not start consuming:\n{self.log.read().decode()[-3000:]}")

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.log.close()


def cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and its children, exited ones included (the worker's pool)."""
    import psutil
    total = sum((root := psutil.Process(pid)).cpu_times()[2:4])  # exited children
    for process in (root, *root.children(recursive=True)):
        with suppress(psutil.NoSuchProcess):
            total += sum(process.cpu_times()[:2])
    return total
