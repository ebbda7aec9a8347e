"""``python -m ops.sandbox``: the sandbox under gunicorn's threaded worker, as ``make run`` starts it.

Connections stay open between requests (gunicorn's keep-alive), CMC's underscore header reaches the
app, a slow request holds one thread while others are served, the control API and the vendor calls
share one process's state, and SIGTERM stops it.
"""
from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from ops.sandbox.state import SandboxConfig
from ops.sandbox.synth.equities import equity_universe
from tests.conftest import ROOT
from tests.sandbox.conftest import CMC_KEY, FMP_KEY

TIMEOUT = 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    port, log = _free_port(), tmp_path_factory.mktemp("sandbox") / "sandbox.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ops.sandbox", "--port", str(port)], cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            requests.get(f"{base}/_sandbox/health", timeout=2)
            break
        except requests.ConnectionError:
            time.sleep(0.1)  # polling interval, bounded by the deadline
    yield proc, base, log
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_requests_share_one_kept_alive_connection_and_cmc_header_keys_pass(served):
    _, base, _ = served
    symbol = equity_universe(SandboxConfig().seed).items[0].symbol
    conn = http.client.HTTPConnection(*base.removeprefix("http://").split(":"), timeout=TIMEOUT)
    sockets = set()
    try:
        for _ in range(20):
            conn.request("GET", f"/fmp/stable/quote?symbol={symbol}", headers=FMP_KEY)
            answer = conn.getresponse()
            assert answer.status == 200 and json.loads(answer.read())[0]["symbol"] == symbol
            sockets.add(conn.sock)  # http.client drops the socket of an answer that closes it
        for headers, status in ((CMC_KEY, 200), ({}, 401)):
            conn.request("GET", "/cmc/v1/key/info", headers=headers)
            answer = conn.getresponse()
            assert (answer.status, answer.read() != b"") == (status, True)
            sockets.add(conn.sock)
    finally:
        conn.close()
    assert len(sockets) == 1 and None not in sockets


def test_a_slow_request_holds_one_thread_while_others_are_served(served):
    _, base, _ = served
    symbol = equity_universe(SandboxConfig().seed).items[0].symbol
    armed = requests.post(f"{base}/_sandbox/faults/fmp", json={"slow": {"count": 1, "seconds": 3.0}},
                          timeout=TIMEOUT)
    assert armed.status_code == 200, armed.text
    finished = {}

    def fetch(label):
        requests.get(f"{base}/fmp/stable/quote", params={"symbol": symbol}, headers=FMP_KEY, timeout=TIMEOUT)
        finished[label] = time.monotonic()

    slow = threading.Thread(target=fetch, args=("slow",))
    slow.start()
    deadline = time.monotonic() + 10
    while requests.get(f"{base}/_sandbox/faults/fmp", timeout=TIMEOUT).json()["faults"]:  # until taken
        assert time.monotonic() < deadline
        time.sleep(0.01)
    fetch("quick")
    slow.join(TIMEOUT)
    assert finished["quick"] < finished["slow"]
    log = requests.get(f"{base}/_sandbox/requests", params={"vendor": "fmp", "limit": 2}, timeout=TIMEOUT).json()
    slow_entry, quick_entry = log["requests"]  # one process: the control API sees the vendor calls
    assert slow_entry["duration_ms"] >= 3000 > quick_entry["duration_ms"]


def test_sigterm_stops_it_and_the_access_log_shows_no_query_strings(served):
    proc, base, log = served
    requests.get(f"{base}/fmp/stable/stock-list", headers={}, params=FMP_KEY, timeout=TIMEOUT)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0
    output = log.read_text()
    assert '"GET /fmp/stable/stock-list" 200' in output
    assert "sandbox-fmp-key" not in output
