"""Determinism: the same answer within a time bucket and across starts, a new one in the next bucket."""
from __future__ import annotations

from ops.sandbox.app import create_sandbox_app
from ops.sandbox.state import ManualClock
from tests.sandbox.conftest import START, TICK


def _fmp_quotes(sandbox):
    symbols = [r["symbol"] for r in sandbox.fmp("/stable/stock-list").json()[:40]]
    return sandbox.fmp("/stable/batch-quote", symbols=",".join(symbols)).json()


def _cmc_listing(sandbox):
    return sandbox.cmc("/v1/cryptocurrency/listings/latest", limit=40).json()["data"]


def _terrapin_latest(sandbox):
    isins = [r["isin"] for r in sandbox.terrapin("bond_search", {"limit": 40}).json()["data"]]
    return sandbox.terrapin("bond_pricing_latest", {"isins": isins}).json()["data"]


def _cbonds_today(sandbox):
    body = {"filters": [{"field": "date", "operator": "eq", "value": "2026-06-17"}], "quantity": {"limit": 40}}
    return sandbox.cbonds("get_tradings_new", body).json()["items"]


def _changed(before, after, price):
    moved = sum(1 for a, b in zip(before, after, strict=True) if price(a) != price(b))
    return moved / len(before)


def test_same_bucket_same_prices_next_bucket_new_prices(sandbox):
    fetchers = (_fmp_quotes, _cmc_listing, _terrapin_latest, _cbonds_today)
    first = [fetch(sandbox) for fetch in fetchers]
    sandbox.clock.advance(TICK - 15)  # still inside the bucket that started at START - 10
    assert [fetch(sandbox) for fetch in fetchers] == first
    sandbox.clock.advance(15)  # the next bucket
    fmp, cmc, terrapin, cbonds = (fetch(sandbox) for fetch in fetchers)
    assert _changed(first[0], fmp, lambda r: r["price"]) > 0.5
    assert {r["timestamp"] for r in fmp} == {START - 10 + TICK}
    by_id = {c["id"]: c["quote"]["USD"]["price"] for c in cmc}
    assert sum(by_id.get(c["id"]) != c["quote"]["USD"]["price"] for c in first[1]) > 20
    assert {c["last_updated"] for c in cmc} == {"2026-06-17T15:01:00.000Z"}
    assert _changed(first[2], terrapin, lambda r: r["price"]) > 0.5
    assert _changed(first[3], cbonds, lambda r: r["indicative_price"]) > 0.5
    assert {r["update_time"] for r in cbonds} == {"2026-06-17 15:01:00"}


def test_history_does_not_depend_on_the_clock(sandbox):
    params = {"symbol": sandbox.fmp("/stable/stock-list").json()[7]["symbol"], "from": "2026-01-05",
              "to": "2026-03-31"}
    before = sandbox.fmp("/stable/historical-price-eod/full", **params).json()
    sandbox.clock.advance(3 * 86400)
    assert sandbox.fmp("/stable/historical-price-eod/full", **params).json() == before


def test_a_second_sandbox_serves_the_same_data():
    apps = [create_sandbox_app(clock=ManualClock(START)) for _ in range(2)]
    answers = []
    for app in apps:
        client = app.test_client()
        answers.append(client.get("/cmc/v1/cryptocurrency/listings/latest?limit=30",
                                  headers={"X-CMC_PRO_API_KEY": "sandbox-cmc-key"}).get_json()["data"])
    assert answers[0] == answers[1]
