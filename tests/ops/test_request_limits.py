"""Too long a URL or too large headers get the platform's JSON error (414 / 431), not gunicorn's HTML
page (issue 14): a real gunicorn with ops/gunicorn.conf.py in front of the auth app."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from axa.platform.request_limits import MAX_FIELD_BYTES, MAX_HEADER_FIELDS, MAX_URI_BYTES
from tests.conftest import ROOT

START_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(databases, tmp_path_factory):
    port, log = _free_port(), tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {**os.environ, "AXA_SUBSYSTEM": "auth", "AXA_WEB_WORKERS": "1", "AXA_WEB_THREADS": "2"}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "ops/gunicorn.conf.py",
                                 "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + START_SECONDS
    try:
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            try:
                requests.get(f"{base}/health/", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def _assert_json_error(response: requests.Response, status: int) -> None:
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Type"] == "application/json", response.text[:300]
    body = response.json()
    assert set(body) == {"code", "status", "message"} and body["code"] == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # the app answered, not gunicorn


@pytest.mark.parametrize("length", [10_000, 100_000])
def test_a_too_long_url_is_414_json(server, length):
    _assert_json_error(requests.get(f"{server}/health/?pad={'a' * length}", timeout=10), 414)
    _assert_json_error(requests.get(f"{server}/api/v1/auth/{'x' * length}", timeout=10), 414)


@pytest.mark.parametrize("length", [20_000, 100_000])
def test_a_too_large_header_is_431_json(server, length):
    _assert_json_error(requests.get(f"{server}/health/", headers={"X-Padding": "a" * length}, timeout=10), 431)
    cookie = {"Cookie": "axa_session=" + "b" * length}
    _assert_json_error(requests.post(f"{server}/api/v1/auth/logout", headers=cookie, timeout=10), 431)


def test_too_many_header_fields_is_431_json(server):
    headers = {f"X-Field-{n}": "1" for n in range(MAX_HEADER_FIELDS + 1)}
    _assert_json_error(requests.get(f"{server}/health/", headers=headers, timeout=10), 431)


def test_requests_within_the_limits_are_served(server):
    path = "/health/?pad="
    url = f"{server}{path}{'a' * (MAX_URI_BYTES - len(path))}"
    assert requests.get(url, timeout=10).status_code == 200
    assert requests.get(f"{server}/health/?pad={'a' * (MAX_URI_BYTES - len(path) + 1)}", timeout=10).status_code == 414
    padding = "a" * (MAX_FIELD_BYTES - len("X-Padding"))
    assert requests.get(f"{server}/health/", headers={"X-Padding": padding}, timeout=10).status_code == 200
    assert requests.get(f"{server}/health/", headers={"X-Padding": padding + "a"}, timeout=10).status_code == 431
    headers = {f"X-Field-{n}": "1" for n in range(MAX_HEADER_FIELDS - 10)}  # requests adds its own few
    assert requests.get(f"{server}/health/", headers=headers, timeout=10).status_code == 200
