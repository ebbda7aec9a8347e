"""The control API: health, request log, clock, loopback-only; and `python -m ops.sandbox`."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from ops.sandbox.app import create_sandbox_app

ROOT = Path(__file__).resolve().parents[2]


def test_health(sandbox):
    body = sandbox.control("GET", "/health").json()
    assert body["status"] == "ok" and body["vendors"] == ["fmp", "cmc", "cbonds", "terrapin"]
    assert body["time"] == "2026-06-17T15:00:10.000Z" and body["tick_seconds"] == 60
    assert body["universe"]["equities"] >= 5000


def test_request_log_records_and_clears(sandbox):
    sandbox.fmp("/stable/quote", symbol="X", apikey="sandbox-fmp-key")
    sandbox.cmc("/v1/key/info")
    sandbox.control("POST", "/faults/cmc", json={"rate_limit": {"count": 1, "retry_after": 1}})
    sandbox.cmc("/v1/key/info")
    log = sandbox.control("GET", "/requests").json()["requests"]
    assert [(e["vendor"], e["status"], e["fault"]) for e in log] == [
        ("fmp", 200, None), ("cmc", 200, None), ("cmc", 429, "rate_limit")]
    assert log[0]["query"] == {"symbol": "X", "apikey": "***"}
    assert log[0]["monotonic"] <= log[1]["monotonic"] <= log[2]["monotonic"]
    assert abs(log[2]["epoch"] - time.time()) < 60 and log[2]["clock"] == sandbox.clock.now
    only_cmc = sandbox.control("GET", "/requests", params={"vendor": "cmc"}).json()["requests"]
    assert [e["seq"] for e in only_cmc] == [log[1]["seq"], log[2]["seq"]]
    assert sandbox.control("DELETE", "/requests").json() == {"requests": []}
    assert sandbox.control("GET", "/requests").json()["requests"] == []


def test_a_client_that_honours_retry_after_shows_in_the_log(sandbox):
    sandbox.control("POST", "/faults/terrapin", json={"rate_limit": {"count": 1, "retry_after": 1}})
    first = sandbox.terrapin("bond_search", {"limit": 1})
    time.sleep(float(first.headers["retry-after"]))  # the client under simulation waits as told
    assert sandbox.terrapin("bond_search", {"limit": 1}).status_code == 200
    log = sandbox.control("GET", "/requests", params={"vendor": "terrapin"}).json()["requests"]
    assert log[1]["monotonic"] - log[0]["monotonic"] >= 1.0


def test_concurrent_clients_are_served(sandbox):
    ids = [coin["id"] for coin in sandbox.cmc("/v1/cryptocurrency/map", limit=8).json()["data"]]

    def poll(coin_id):
        with requests.Session() as http:
            answers = [http.get(f"{sandbox.base}/cmc/v2/cryptocurrency/quotes/latest", params={"id": coin_id},
                                headers={"X-CMC_PRO_API_KEY": "sandbox-cmc-key"}, timeout=20) for _ in range(5)]
        return [(a.status_code, list(a.json()["data"])) for a in answers]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(ids, pool.map(poll, ids), strict=True))
    assert all(answers == [(200, [str(coin_id)])] * 5 for coin_id, answers in results.items())
    assert len(sandbox.control("GET", "/requests", params={"vendor": "cmc"}).json()["requests"]) == 41


def test_clock_shift(sandbox):
    bucket = sandbox.control("GET", "/clock").json()["bucket"]
    shifted = sandbox.control("POST", "/clock", json={"advance_seconds": 120}).json()
    assert shifted["bucket"] == bucket + 2 and shifted["offset_seconds"] == 120
    assert sandbox.control("POST", "/clock", json={"advance_seconds": "soon"}).status_code == 400
    assert sandbox.control("DELETE", "/clock").json()["bucket"] == bucket


def test_control_api_refuses_remote_callers():
    client = create_sandbox_app().test_client()
    assert client.get("/_sandbox/health", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert client.get("/_sandbox/health", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    refused = client.delete("/_sandbox/faults", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert refused.status_code == 403


def test_control_api_refuses_text_plain_posts_a_web_page_could_send(sandbox):
    """A page the developer opens may POST cross-site without a preflight only as text/plain,
    form-urlencoded or multipart (issue 14, finding 12): none of them arms anything."""
    body = '{"server_error": {"count": 5}}'
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None):
        headers = {"Content-Type": content_type} if content_type else {}
        armed = sandbox.control("POST", "/faults/fmp", data=body, headers=headers)
        assert armed.status_code == 415 and "application/json" in armed.json()["message"]
        shifted = sandbox.control("POST", "/clock", data='{"advance_seconds": 3600}', headers=headers)
        assert shifted.status_code == 415
    assert sandbox.control("GET", "/faults/fmp").json()["faults"] == {}
    assert sandbox.control("GET", "/clock").json()["offset_seconds"] == 0
    assert sandbox.control("POST", "/faults/fmp", json={"server_error": {"count": 1}}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8099", "localhost.evil.example",
                                  "127.0.0.1.nip.io", "10.0.0.1", "[::2]:8099"])
def test_control_api_answers_loopback_host_names_only(sandbox, host):
    """DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 is same-origin with
    the sandbox but still sends its own name as Host."""
    for method, path, kwargs in (("GET", "/health", {}), ("GET", "/requests", {}), ("DELETE", "/faults", {}),
                                 ("POST", "/faults/fmp", {"json": {"server_error": {"count": 1}}})):
        refused = sandbox.control(method, path, headers={"Host": host}, **kwargs)
        assert refused.status_code == 403, (method, path)
        assert "loopback" in refused.json()["message"]
    assert sandbox.control("GET", "/faults/fmp").json()["faults"] == {}


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:8099", "127.0.0.1", "127.0.0.1:8099", "[::1]",
                                  "[::1]:8099"])
def test_control_api_accepts_every_loopback_host(sandbox, host):
    assert sandbox.control("GET", "/health", headers={"Host": host}).status_code == 200


def test_vendor_endpoints_keep_answering_as_the_vendors_do(sandbox):
    """The vendor APIs mimic real vendors: any Host, and Cbonds takes a body of any content type."""
    assert sandbox.fmp("/stable/quote", symbol="X", apikey="sandbox-fmp-key").status_code == 200
    quote = sandbox.http.get(f"{sandbox.base}/fmp/stable/quote", params={"symbol": "X"},
                             headers={"Host": "financialmodelingprep.com", "apikey": "sandbox-fmp-key"}, timeout=20)
    assert quote.status_code == 200
    cbonds = sandbox.http.post(f"{sandbox.base}/cbonds/services/json/get_emitents/", params={"lang": "eng"},
                               data='{"auth": {"login": "sandbox", "password": "sandbox-cbonds"}}',
                               headers={"Content-Type": "text/plain", "Host": "ws.cbonds.info"}, timeout=20)
    assert cbonds.status_code == 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_module_entry_point_serves(tmp_path):
    port = _free_port()
    env = {**os.environ, "AXA_SANDBOX_FMP_KEY": "custom-key"}
    process = subprocess.Popen([sys.executable, "-m", "ops.sandbox", "--port", str(port), "--quiet"], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, health = time.monotonic() + 20, None
        while health is None and time.monotonic() < deadline:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/_sandbox/health", timeout=2)
            except requests.ConnectionError:
                time.sleep(0.1)
        assert health is not None and health.json()["status"] == "ok"
        quote = requests.get(f"http://127.0.0.1:{port}/fmp/stable/stock-list", headers={"apikey": "custom-key"},
                             timeout=10)
        assert quote.status_code == 200 and len(quote.json()) >= 5000
    finally:
        process.terminate()
        process.wait(timeout=10)
