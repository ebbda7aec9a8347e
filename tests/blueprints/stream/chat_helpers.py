"""Real stream app processes for the chat tests: gunicorn with ops/gunicorn.conf.py (gthread), as
``make run`` and production run it, on free loopback ports; and a small WebSocket client."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests
from simple_websocket import Client

from bench.servers import free_port

ROOT = Path(__file__).resolve().parents[3]


@contextmanager
def stream_server(threads: int = 64, **env):
    """One gunicorn master with one gthread worker serving the stream app; yields its base URL."""
    port = free_port()
    with tempfile.NamedTemporaryFile("w+", prefix="axa-chat-gunicorn-", suffix=".log") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "ops/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "AXA_SUBSYSTEM": "stream", "AXA_WEB_WORKERS": "1",
                 "AXA_WEB_THREADS": str(threads), **env})
        try:
            _wait(proc, port, Path(log.name))
            yield f"127.0.0.1:{port}"
        finally:
            if os.environ.get("AXA_CHAT_TEST_LOG"):
                Path(os.environ["AXA_CHAT_TEST_LOG"]).write_text(Path(log.name).read_text())
            proc.send_signal(signal.SIGINT)  # quick shutdown: no grace for open sockets
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def stream_servers(count: int, **env):
    with ExitStack() as stack:
        yield [stack.enter_context(stream_server(**env)) for _ in range(count)]


def _wait(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/", timeout=2).status_code < 500:
                return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer:\n{log.read_text()}")


class ChatClient:
    """A chat socket: ``say`` sends a message, ``next`` reads the next frame of a type."""

    def __init__(self, server: str, slug: str, headers: dict | None = None):
        self.address = server
        self.ws = Client.connect(f"ws://{server}/api/v1/channels/{slug}/chat", headers=headers or {})
        try:
            self.welcome = self.next("welcome", "error", timeout=3.0)
        except AssertionError:
            # simple_websocket's client: a frame that came in one read with the handshake's answer
            # waits, parsed but unhandled, until more data arrives; a ping's pong brings it out
            self.ws.send(json.dumps({"type": "ping"}))
            self.welcome = self.next("welcome", "error", timeout=12.0)
        assert self.welcome["type"] == "welcome", f"refused at connect: {self.welcome}"  # e.g. hub not ready

    def say(self, text: str) -> None:
        self.ws.send(json.dumps({"type": "send", "text": text}))

    def raw(self, data) -> None:
        self.ws.send(data)

    def next(self, *types: str, timeout: float = 10.0) -> dict:
        """The next frame of one of ``types`` (others skipped); AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            data = self.ws.receive(timeout=left)
            if data is None:
                break
            frame = json.loads(data)
            if not types or frame["type"] in types:
                return frame
        raise AssertionError(f"no {types} frame within {timeout} s")

    def quiet(self, seconds: float = 0.5) -> list[dict]:
        """Every frame that arrives within ``seconds``."""
        frames, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            data = self.ws.receive(timeout=left)
            if data is not None:
                frames.append(json.loads(data))
        return frames

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass


def persist(stream_app) -> int:
    """Run the ``stream.chat`` batch in this process (eager) until the buffer is empty."""
    from axa.tasks.stream.chat import persist_messages
    written = 0
    with stream_app.app_context():
        while (taken := persist_messages.apply().get()):
            written += taken
    return written
