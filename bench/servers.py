"""gunicorn servers on loopback ports, every benchmarked app with the same server settings.

The defaults are the worker model of ops/gunicorn.conf.py (2 workers, gthread, 4 threads,
keep-alive 5 s) and its hooks (ops/gunicorn_hooks.py), without its access log and worker
recycling, which would only add noise.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.load import Connection, build_request

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class ServerSettings:
    workers: int = 2
    worker_class: str = "gthread"
    threads: int = 4

    def argv(self) -> list[str]:
        return ["--config", "python:ops.gunicorn_hooks", "--workers", str(self.workers),
                "--worker-class", self.worker_class, "--threads", str(self.threads), "--keep-alive", "5",
                "--log-level", "warning"]

    def describe(self) -> str:
        return (f"gunicorn --workers {self.workers} --worker-class {self.worker_class} "
                f"--threads {self.threads}")


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")


def settings_from(args: argparse.Namespace) -> ServerSettings:
    return ServerSettings(args.workers, args.worker_class, args.threads)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    probe = build_request("GET", "/", port)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{log.read_text()}")
        conn = Connection("127.0.0.1", port, timeout=5)
        try:
            conn.exchange(probe)
            return
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    raise RuntimeError(f"gunicorn did not answer on port {port} within {START_TIMEOUT}s:\n"
                       f"{log.read_text()}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def gunicorn(app_spec: str, settings: ServerSettings, env: dict | None = None):
    """Serve ``app_spec`` (``module:app``) on a free loopback port; yields the port."""
    port = free_port()
    with tempfile.NamedTemporaryFile("w+", prefix="axa-bench-gunicorn-", suffix=".log") as log:
        cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
               *settings.argv(), app_spec]
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_serving(proc, port, Path(log.name))
            yield port
        finally:
            _stop(proc)
