"""``stocks.format.store_batch`` on a crafted FMP batch: its quotes are reduced to the latest per
instrument once, and that one list is what both PostgreSQL and the Redis quote contract keep; a
redelivered batch changes nothing."""
import json
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from axa.clients import records
from axa.models import latest_quotes
from axa.models import stocks as m
from axa.platform.redis_client import client_for
from axa.tasks.stocks import store
from axa.tasks.stocks.format import store_batch

T0 = int(datetime(2026, 6, 17, 15, 0, tzinfo=UTC).timestamp())


def _row(symbol: str, price: float, timestamp: int) -> dict:
    return {"symbol": symbol, "name": symbol, "price": price, "changePercentage": 0.5, "change": 0.1,
            "volume": 1000, "marketCap": 10**9, "exchange": "NASDAQ", "open": price,
            "previousClose": price, "timestamp": timestamp}


def test_the_latest_quote_per_symbol_is_computed_once_and_kept_in_both_stores(apps, monkeypatch):
    reductions = []
    monkeypatch.setattr(store, "latest_per_instrument",
                        lambda quotes: reductions.append(len(quotes)) or records.latest_per_instrument(quotes))
    body = json.dumps([_row("AAA", 10.0, T0), _row("AAA", 11.5, T0 + 60), _row("BBB", 3.25, T0)])
    stocks = apps["stocks"]
    with stocks.app_context():
        run = m.IngestRun.start("fmp.quotes", "fmp", "test", {}, batches=1)
        m.db.session.commit()
        payload = {"run_id": run.id, "dataset": "fmp.quotes", "batch_no": 0,
                   "params": {"symbols": ["AAA", "BBB"], "batch_size": 100}, "bodies": [body],
                   "fetched_at": datetime.fromtimestamp(T0 + 61, UTC).isoformat(), "credit_count": 0}
        first = store_batch(payload)
        assert reductions == [3]  # the batch's three quotes, reduced once for both writes
        again = store_batch(payload)
        in_postgres = dict(m.db.session.execute(select(m.LatestQuote.source_instrument_id,
                                                       m.LatestQuote.price)).all())
        run = m.db.session.get(m.IngestRun, run.id)
        m.db.session.refresh(run)
        closed = (run.status, run.records_stored)
    assert first == {"stored": 3, "written": 2, "rejected": 0} and again == {"duplicate": True}
    assert closed == ("succeeded", 3)  # the redelivery counted nothing
    assert in_postgres == {"AAA": Decimal("11.5"), "BBB": Decimal("3.25")}
    in_redis = latest_quotes.read(client_for(stocks.config["AXA"].redis_url), ["AAA", "BBB"]).quotes
    assert {symbol: Decimal(quote.price) for symbol, quote in in_redis.items()} == in_postgres
