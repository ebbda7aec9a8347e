"""The base client against a real local HTTP server: redirects, timeouts, size cap, auth
placement, keys kept out of URLs, logs and reprs, and the limiter hook."""
from __future__ import annotations

import gzip
import logging
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from axa.clients import errors, http
from axa.clients.cbonds.client import CbondsClient
from axa.clients.cmc.client import CmcClient
from axa.clients.fmp.client import FmpClient
from axa.clients.terrapin.client import TerrapinClient
from axa.platform.config import ConfigError, Secret
from tests.clients.conftest import Reply

KEY = "k3y-Th4t-Must-N3ver-Leak-0123456789"


def fmp(url, **kwargs):
    return FmpClient(url, credentials={"api_key": Secret(KEY)}, **kwargs)


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirect_is_refused_and_its_target_never_contacted(server, sink, status):
    server.route("GET", "/stable/stock-list", Reply(status, b"", {"Location": sink.url}))
    with pytest.raises(errors.RedirectRefused):
        fmp(server.url).get("/stable/stock-list")
    assert len(server.seen) == 1
    assert sink.connections() == 0


def test_redirect_to_cloud_metadata_is_not_followed(server, outbound_guard):
    server.route("GET", "/stable/stock-list",
                 Reply(302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}))
    with pytest.raises(errors.RedirectRefused) as caught:
        fmp(server.url).get("/stable/stock-list")
    assert outbound_guard.allowed == ["127.0.0.1"]  # the guard saw the one call to the vendor
    assert outbound_guard.refused == []  # and no attempt to reach the metadata address
    assert caught.value.status == 302


def test_read_timeout_is_transient(server):
    server.route("GET", "/stable/stock-list", Reply(200, [], delay=1.5))
    started = time.monotonic()
    with pytest.raises(errors.TransientVendorError, match="timeout"):
        fmp(server.url, read_timeout=0.2).get("/stable/stock-list")
    assert time.monotonic() - started < 1.4


def test_connection_refused_is_transient():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the call: nobody listens
    with pytest.raises(errors.TransientVendorError, match="connection failed"):
        fmp(f"http://127.0.0.1:{port}", connect_timeout=0.5).get("/stable/stock-list")


def test_slow_drip_hits_the_deadline(server):
    server.route("GET", "/stable/stock-list", Reply(200, b"[" + b" " * 60 + b"]", drip=0.05))
    started = time.monotonic()
    with pytest.raises(errors.TransientVendorError, match="deadline"):
        fmp(server.url, read_timeout=1.0, deadline=0.4).get("/stable/stock-list")
    assert time.monotonic() - started < 2.0  # every single read was within the read timeout


def test_declared_oversize_body_is_refused(server):
    server.route("GET", "/stable/stock-list", Reply(200, b"[" + b"0," * 3000 + b"0]"))
    with pytest.raises(errors.BadPayload, match="cap"):
        fmp(server.url, max_response_bytes=1000).get("/stable/stock-list")


def test_gzip_bomb_is_capped_on_decoded_bytes(server):
    bomb = gzip.compress(b"[" + b"0," * 200_000 + b"0]")
    assert len(bomb) < 5000
    server.route("GET", "/stable/stock-list", Reply(200, bomb, {"Content-Encoding": "gzip"}))
    with pytest.raises(errors.BadPayload, match="cap"):
        fmp(server.url, max_response_bytes=100_000).get("/stable/stock-list")


def test_gzip_body_within_the_cap_is_decoded(server):
    server.route("GET", "/stable/stock-list",
                 Reply(200, gzip.compress(b'[{"symbol": "AAPL"}]'), {"Content-Encoding": "gzip"}))
    assert fmp(server.url).get("/stable/stock-list").payload == [{"symbol": "AAPL"}]


@pytest.mark.parametrize("body", [b"<html>maintenance</html>", b"", b"{not json"])
def test_non_json_success_is_bad_payload(server, body):
    server.route("GET", "/stable/stock-list", Reply(200, body))
    with pytest.raises(errors.BadPayload):
        fmp(server.url).get("/stable/stock-list")


def test_auth_goes_in_headers_or_body_never_the_url(server):
    for path in ("/stable/batch-quote", "/v1/key/info", "/api/v1/bond_search",
                 "/services/json/get_emissions/"):
        server.route("GET" if "json" not in path and "api" not in path else "POST", path,
                     Reply(200, {"items": [], "total": 0, "data": [], "status": {"error_code": 0}}))
    fmp(server.url).get("/stable/batch-quote", {"symbols": "AAPL,MSFT"})
    CmcClient(server.url, credentials={"api_key": Secret(KEY)}).get("/v1/key/info")
    TerrapinClient(server.url, credentials={"api_key": Secret(KEY)}).call("bond_search", {"limit": 1})
    CbondsClient(server.url, credentials={"login": Secret("ada"), "password": Secret(KEY)}).call(
        "get_emissions", {"quantity": {"limit": 1, "offset": 0}})
    fmp_seen, cmc_seen, terrapin_seen, cbonds_seen = server.seen
    assert fmp_seen.headers["apikey"] == KEY and fmp_seen.query == {"symbols": "AAPL,MSFT"}
    assert cmc_seen.headers["x-cmc_pro_api_key"] == KEY
    assert terrapin_seen.headers["authorization"] == f"Bearer {KEY}"
    assert cbonds_seen.body["auth"] == {"login": "ada", "password": KEY}
    assert cbonds_seen.raw_target == "/services/json/get_emissions/?lang=eng"
    assert all(KEY not in seen.raw_target for seen in server.seen)


def test_keys_never_in_logs_reprs_or_errors(server, caplog, monkeypatch):
    for name in ("axa.clients", "urllib3.connectionpool"):  # alembic's fileConfig disables them
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    caplog.set_level(logging.DEBUG)
    server.route("GET", "/stable/profile", Reply(401, {"Error Message": f"Invalid API KEY {KEY}."}))
    server.route("GET", "/stable/stock-list", Reply(200, [{"symbol": "AAPL"}]))
    client = fmp(server.url)
    client.get("/stable/stock-list")
    with pytest.raises(errors.AuthFailed) as caught:
        client.get("/stable/profile", {"symbol": "AAPL"})
    cbonds = CbondsClient(server.url, credentials={"login": Secret("ada"), "password": Secret(KEY)})
    with pytest.raises(errors.RequestRejected):
        cbonds.call("get_emissions", {})  # 404 from the test server
    texts = [caplog.text, repr(client), str(client), repr(cbonds), str(caught.value),
             repr(caught.value), caught.value.message, repr(Secret(KEY))]
    assert all(KEY not in text for text in texts)
    assert "***" in caught.value.message  # the echoed key was redacted
    assert "/stable/profile" in caplog.text  # the calls were logged, without the key


def test_limiter_is_called_before_every_request(server):
    server.route("GET", "/stable/stock-list", Reply(200, []))
    calls = []

    class Recorder:
        def acquire(self, vendor):
            calls.append((vendor, len(server.seen)))

    client = fmp(server.url, limiter=Recorder())
    for _ in range(3):
        client.get("/stable/stock-list")
    assert calls == [("fmp", 0), ("fmp", 1), ("fmp", 2)]


def test_a_refusing_limiter_stops_the_request(server):
    class Closed:
        def acquire(self, vendor):
            raise errors.QuotaExhausted("paused", vendor=vendor)

    with pytest.raises(errors.QuotaExhausted):
        fmp(server.url, limiter=Closed()).get("/stable/stock-list")
    assert server.seen == []


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/fmp", "http://user:pw@127.0.0.1/fmp",
                                 "http://127.0.0.1/fmp?apikey=x", "127.0.0.1:8099", "http:///fmp"])
def test_base_url_must_be_plain_http(url):
    with pytest.raises(ConfigError):
        fmp(url)


@pytest.mark.parametrize("path", ["@169.254.169.254/latest", "stable/x", "//evil.example/x"])
def test_paths_cannot_change_the_host(server, path):
    with pytest.raises(ValueError):
        fmp(server.url).get(path)
    assert server.seen == []


def test_cbonds_operation_names_are_checked():
    client = CbondsClient("http://127.0.0.1:9", credentials={"login": Secret("a"), "password": Secret("b")})
    with pytest.raises(ValueError):
        client.call("../admin", {})


NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("header", "seconds"), [
    ("7", 7.0), (" 2.5 ", 2.5), ("-3", 0.0), ("", None), ("soon", None), ("nan", None), ("inf", None),
    ("999999999", 86400.0),  # a vendor's typo does not park the vendor for decades
    ("Wed, 25 Nov 2026 12:00:30 GMT", 30.0),  # IMF-fixdate
    ("Wednesday, 25-Nov-26 12:01:00 GMT", 60.0),  # obsolete RFC 850 form
    ("Wed Nov 25 12:00:10 2026", 10.0),  # asctime: no zone, read as GMT
    ("Wed, 25 Nov 2026 11:59:00 GMT", 0.0),  # already past
])
def test_retry_after_reads_seconds_and_http_dates(header, seconds):
    assert http.retry_after({"retry-after": header} if header else {}, now=NOW) == seconds


def test_an_http_date_retry_after_pauses_the_vendor_until_then(server):
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=90)
    server.route("GET", "/stable/stock-list", Reply(429, b'{"Error Message": "Limit Reach. Please upgrade '
                                                         b'your plan."}',
                                                    {"Retry-After": format_datetime(when, usegmt=True)}))
    with pytest.raises(errors.RateLimited) as caught:
        fmp(server.url).get("/stable/stock-list")
    assert 85 <= caught.value.retry_after <= 90
