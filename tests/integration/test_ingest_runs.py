"""The stocks ingest graph through a real worker against the vendor sandbox: a whole-universe run
stores every instrument and quote, shows its progress, and a second run after the sandbox's clock
moved changes the prices in place (PostgreSQL and the Redis quote contract), adding no rows."""
from __future__ import annotations

from decimal import Decimal

import msgspec
from sqlalchemy import func, select

from axa.models import latest_quotes
from axa.models import stocks as m
from axa.platform.redis_client import client_for
from ops.sandbox.synth.equities import EQUITY_COUNT
from tests.integration.conftest import start_run, wait_for_run

QUOTE_BATCH = 100


def _count(app, model) -> int:
    with app.app_context():
        return m.db.session.scalar(select(func.count()).select_from(model))


def _latest(app) -> dict[str, tuple[Decimal, object]]:
    with app.app_context():
        rows = m.db.session.execute(select(m.LatestQuote.source_instrument_id, m.LatestQuote.price,
                                           m.LatestQuote.as_of))
        return {symbol: (price, as_of) for symbol, price, as_of in rows}


def _batches(app, run_id) -> list[tuple[int, str]]:
    with app.app_context():
        return [tuple(row) for row in m.db.session.execute(
            select(m.IngestBatch.batch_no, m.IngestBatch.status).where(m.IngestBatch.run_id == run_id))]


def _quotes_run(app, progress: list) -> dict:
    run = wait_for_run(app, start_run(app, "fmp.quotes"), 25.0, progress)
    total = -(-EQUITY_COUNT // QUOTE_BATCH)
    assert (run["status"], run["batches_total"], run["batches_done"]) == ("succeeded", total, total)
    assert (run["batches_failed"], run["records_rejected"], run["errors"]) == (0, 0, [])
    assert run["records_stored"] == EQUITY_COUNT and run["finished_at"] >= run["started_at"]
    assert sorted(_batches(app, run["id"])) == [(n, "done") for n in range(total)]
    return run


def _assert_progress_seen(progress: list[int], total: int) -> None:
    """batches_done only rises, and was seen between 0 and the total: a run reports progress."""
    assert progress == sorted(progress) and progress[-1] == total
    assert any(0 < done < total for done in progress), progress


def _assert_redis_matches(app, latest: dict) -> None:
    redis = client_for(app.config["AXA"].redis_url)
    sample = sorted(latest)[::400]
    cached = msgspec.to_builtins(latest_quotes.read(redis, sample).quotes)
    for symbol in sample:
        price, as_of = latest[symbol]
        assert cached[symbol]["source"] == "fmp" and cached[symbol]["dataset"] == "fmp.quotes"
        assert (Decimal(cached[symbol]["price"]), cached[symbol]["as_of"]) == (price, as_of.isoformat())


def test_runs_store_the_universe_report_progress_and_update_in_place(platform, vendors):
    stocks = platform["stocks"]
    symbols = wait_for_run(stocks, start_run(stocks, "fmp.symbols"), 15.0)
    assert (symbols["status"], symbols["batches_done"], symbols["records_stored"]) == (
        "succeeded", 1, EQUITY_COUNT)
    assert _count(stocks, m.Instrument) == EQUITY_COUNT

    progress: list[int] = []
    first = _quotes_run(stocks, progress)
    _assert_progress_seen(progress, first["batches_total"])
    before = _latest(stocks)
    assert len(before) == EQUITY_COUNT and all(price > 0 for price, _ in before.values())
    _assert_redis_matches(stocks, before)

    vendors.clock.advance(120)  # two sandbox buckets later: every price is recomputed
    _quotes_run(stocks, [])
    after = _latest(stocks)
    assert after.keys() == before.keys() and _count(stocks, m.LatestQuote) == EQUITY_COUNT
    assert {(after[s][1] - before[s][1]).total_seconds() for s in before} == {120.0}
    assert sum(after[s][0] != before[s][0] for s in before) > 0.75 * EQUITY_COUNT  # closed venues stay
    _assert_redis_matches(stocks, after)
    assert _count(stocks, m.QuarantinedRecord) == 0
    assert len(vendors.state.requests("fmp")) == 1 + 2 * first["batches_total"]
