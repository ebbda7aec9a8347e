"""FMP quotes are made once per price bucket: the cached JSON is the quote's JSON, bucket by bucket."""
from __future__ import annotations

import json

import pytest
import requests

from ops.sandbox.app import start_in_thread
from ops.sandbox.faults import dumps
from ops.sandbox.state import VENDORS, ManualClock, SandboxConfig
from ops.sandbox.synth.equities import equity_universe
from ops.sandbox.vendors import fmp_data
from tests.sandbox.conftest import FMP_KEY, START, TICK

SEED = SandboxConfig().seed


def test_quote_json_is_the_encoders_json_of_the_quote():
    bucket = int(START // TICK)
    for offset in (0, 1, 3 * 1440 + 17, -300 * 1440):  # minutes: same day, other days, weekends
        for equity in equity_universe(SEED).items:
            assert fmp_data.quote_json(equity, bucket + offset, TICK) == dumps(
                fmp_data.quote(equity, bucket + offset, TICK))


def _expected(symbols: list[str], bucket: int) -> list[dict]:
    by_symbol = equity_universe(SEED).by_symbol
    return [json.loads(dumps(fmp_data.quote(by_symbol[s], bucket, TICK))) for s in symbols]


def test_batch_quotes_follow_the_clock_back_and_forth(sandbox):
    symbols = [e.symbol for e in equity_universe(SEED).items[:40]]
    seen = {}
    for minutes in (0, 1, 0, 5, 1, 0):  # revisits a cached bucket and ones already dropped
        sandbox.clock.now = START + minutes * TICK
        rows = sandbox.fmp("/stable/batch-quote", symbols=",".join(symbols)).json()
        assert rows == _expected(symbols, int(sandbox.clock.now // TICK))
        assert seen.setdefault(minutes, rows) == rows
    assert seen[0] != seen[1]  # prices move between buckets
    single = sandbox.fmp("/stable/quote", symbol=symbols[3]).json()
    assert single == [seen[0][3]]


def test_a_spoiled_answer_leaves_the_cache_intact(sandbox):
    symbols = [e.symbol for e in equity_universe(SEED).items[:10]]
    clean = sandbox.fmp("/stable/batch-quote", symbols=",".join(symbols)).json()
    sandbox.state.faults.set("fmp", {"malformed": {"count": 1, "mode": "partly_invalid"}})
    spoiled = sandbox.fmp("/stable/batch-quote", symbols=",".join(symbols)).json()
    assert spoiled != clean
    assert sandbox.fmp("/stable/batch-quote", symbols=",".join(symbols)).json() == clean


# ticks no other test uses: the rendered quotes are kept per (seed, bucket, tick), process-wide
@pytest.mark.parametrize(("kept", "renders", "tick"), [(2, 6, 7), (5, 5, 11)])
def test_the_sandbox_keeps_as_many_ticks_of_quotes_rendered_as_configured(kept, renders, tick, monkeypatch):
    """AXA_SANDBOX_QUOTE_BUCKETS: with 5 kept, five ticks visited and the first one again render
    five times; with the default 2, the first tick was dropped and is rendered again."""
    rendered = []
    real = fmp_data.quotes_json

    def counting(equities, bucket, tick_seconds):
        rendered.append(bucket)
        return real(equities, bucket, tick_seconds)
    monkeypatch.setattr(fmp_data, "quotes_json", counting)
    clock = ManualClock(START)
    server, base = start_in_thread(clock=clock, config=SandboxConfig(
        rpm=dict.fromkeys(VENDORS, 0), tick_seconds=tick, quote_buckets=kept))
    symbols = ",".join(e.symbol for e in equity_universe(SEED).items[:5])
    try:
        with requests.Session() as http:
            answers = []
            for ticks in (0, 1, 2, 3, 4, 0):
                clock.now = START + ticks * tick
                answers.append(http.get(f"{base}/fmp/stable/batch-quote", params={"symbols": symbols, **FMP_KEY},
                                        timeout=20).json())
    finally:
        server.shutdown()
        server.server_close()
    assert len(rendered) == renders
    assert answers[0] == answers[-1] != answers[1]
