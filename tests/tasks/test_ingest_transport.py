"""How a batch travels and lands: vendor bodies as text through the broker, the recordset upsert,
and the one-statement batch bookkeeping (exactly once, the run closed by its last batch)."""
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
from kombu.utils import json as kombu_json
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from axa.clients.values import decode_json
from axa.models import stocks as m
from axa.models.bulk import upsert, upsert_newer
from axa.models.ingest import NOTIFY_CHANNEL
from axa.platform.config import database_url
from axa.tasks.ingest import extract, transform
from axa.tasks.stocks.datasets import FMP_QUOTES
from axa.tasks.stocks.dispatch import start_run

T0 = datetime(2026, 6, 17, 15, 0, tzinfo=UTC)


def _symbols(app, n):
    with app.app_context():
        start_run("fmp.symbols", None, trigger="test")
        return list(m.db.session.scalars(select(m.Instrument.source_instrument_id)
                                          .order_by(m.Instrument.source_instrument_id).limit(n)))


def test_poll_sends_the_vendor_text_and_format_reads_the_same_records(apps, sandbox):
    stocks = apps["stocks"]
    params = {"symbols": _symbols(stocks, 30), "batch_size": 100}
    dataset = FMP_QUOTES
    with stocks.app_context():
        payload = extract(dataset, params)
    assert "pages" not in payload and len(payload["bodies"]) == 1 and isinstance(payload["bodies"][0], str)
    wire = kombu_json.loads(kombu_json.dumps(payload))  # what the broker carries to the format step
    assert "__type__" not in kombu_json.dumps(payload)  # no tagged Decimals on the wire
    records, rejects = transform(dataset, params, wire)
    assert rejects == [] and len(records) == 30
    old_shape = {k: v for k, v in wire.items() if k != "bodies"}  # messages of an older poll step
    old_shape["pages"] = [decode_json(body) for body in payload["bodies"]]
    assert transform(dataset, params, kombu_json.loads(kombu_json.dumps(old_shape))) == (records, rejects)
    assert all(isinstance(r.price, Decimal) and r.price > 0 for r in records)


def _quote_row(symbol: str, minutes: int, price: str) -> dict:
    row = {c.name: None for c in m.LatestQuote.__table__.columns}
    row.update(source="fmp", source_instrument_id=symbol, dataset="fmp.quotes", price=Decimal(price),
               price_unit="currency", quote_currency="USD", volume=Decimal("12345678901234567890"),
               change_pct=Decimal("-0.0000001235"), as_of=T0 + timedelta(minutes=minutes),
               as_of_precision="instant", fetched_at=T0 + timedelta(minutes=minutes, microseconds=7),
               raw_ref='quote " \\ ü ' + symbol)
    return row


def test_recordset_upsert_keeps_exact_values_and_never_moves_back(apps):
    stocks = apps["stocks"]
    table, keys = m.LatestQuote.__table__, ["source", "source_instrument_id"]
    with stocks.app_context():
        m.db.session.execute(text("TRUNCATE latest_quotes"))
        assert upsert_newer(m.db.session, table, [_quote_row("AAA", 2, "10.500000001"),
                                                  _quote_row("BBB", 2, "0.0001")], keys) == 2
        assert upsert_newer(m.db.session, table, [_quote_row("AAA", 1, "9.00"),  # older: kept out
                                                  _quote_row("BBB", 3, "20.10")], keys) == 1
        m.db.session.commit()
        stored = {r.source_instrument_id: r for r in m.db.session.scalars(select(m.LatestQuote))}
    assert stored["AAA"].price == Decimal("10.500000001") and stored["BBB"].price == Decimal("20.10")
    for symbol, minutes in (("AAA", 2), ("BBB", 3)):
        row = stored[symbol]
        assert row.volume == Decimal("12345678901234567890")
        assert row.change_pct == Decimal("-0.0000001235")
        assert row.fetched_at == T0 + timedelta(minutes=minutes, microseconds=7)
        assert row.raw_ref == 'quote " \\ ü ' + symbol


def test_rows_without_an_exact_json_form_fall_back_to_values(apps):
    stocks = apps["stocks"]
    table = m.DailyBar.__table__
    bar = {"source": "fmp", "source_instrument_id": "NANB", "trade_date": T0.date(), "open": None,
           "high": None, "low": None, "close": float("nan"), "volume": None, "yield_pct": None,
           "price_unit": "currency", "raw_ref": "x"}
    with stocks.app_context():
        m.db.session.execute(text("DELETE FROM daily_bars WHERE source_instrument_id = 'NANB'"))
        assert upsert(m.db.session, table, [bar], ["source", "source_instrument_id", "trade_date"]) == 1
        m.db.session.commit()
        close = m.db.session.scalar(select(table.c.close).where(table.c.source_instrument_id == "NANB"))
    assert close.is_nan()


def _start(app, batches: int) -> int:
    with app.app_context():
        run = m.IngestRun.start("fmp.quotes", "fmp", "test", {}, batches=batches)
        m.db.session.commit()
        return run.id


def _finish(app, run_id: int, batch_no: int, **kw) -> bool:
    with app.app_context():
        done = m.IngestBatch.finish(run_id, batch_no, **kw)
        m.db.session.commit()
        return done


def _run(app, run_id: int) -> dict:
    with app.app_context():
        return m.db.session.get(m.IngestRun, run_id).to_dict()


def test_batches_count_once_and_the_last_closes_the_run(apps):
    stocks = apps["stocks"]
    run_id = _start(stocks, 3)
    assert _finish(stocks, run_id, 0, stored=100, rejected=2)
    assert not _finish(stocks, run_id, 0, stored=100, rejected=2)  # a redelivery: not counted again
    assert _finish(stocks, run_id, 1, error="TransientVendorError: 503")
    run = _run(stocks, run_id)
    assert (run["status"], run["finished_at"], run["batches_done"], run["batches_failed"]) == (
        "running", None, 2, 1)
    assert (run["records_stored"], run["records_rejected"]) == (100, 2)
    assert run["errors"] == ["batch 1: TransientVendorError: 503"]
    assert _finish(stocks, run_id, 2, stored=50)
    run = _run(stocks, run_id)
    assert (run["status"], run["batches_done"], run["records_stored"]) == ("partial", 3, 150)
    assert run["finished_at"] is not None


def test_a_run_whose_batches_all_fail_ends_failed_and_a_clean_one_succeeded(apps):
    stocks = apps["stocks"]
    failed, clean = _start(stocks, 2), _start(stocks, 1)
    for batch_no in (0, 1):
        assert _finish(stocks, failed, batch_no, error=f"boom {batch_no}")
    assert _finish(stocks, clean, 0, stored=7)
    assert (_run(stocks, failed)["status"], len(_run(stocks, failed)["errors"])) == ("failed", 2)
    assert (_run(stocks, clean)["status"], _run(stocks, clean)["records_stored"]) == ("succeeded", 7)
    with stocks.app_context():
        rows = m.db.session.execute(select(m.IngestBatch.batch_no, m.IngestBatch.status)
                                    .where(m.IngestBatch.run_id == failed)).all()
    assert sorted(map(tuple, rows)) == [(0, "failed"), (1, "failed")]


def test_a_listener_hears_each_run_close_once_after_its_commit(apps):
    stocks = apps["stocks"]
    url = make_url(database_url("stocks")).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
        run_id = _start(stocks, 2)
        assert _finish(stocks, run_id, 0, stored=5)
        assert not _finish(stocks, run_id, 0, stored=5)  # a redelivery closes nothing
        assert list(listener.notifies(timeout=0.3)) == []  # one batch of two: still running
        assert _finish(stocks, run_id, 1, error="boom")
        heard = [json.loads(n.payload) for n in listener.notifies(timeout=1.0, stop_after=1)]
        assert heard == [{"id": run_id, "dataset": "fmp.quotes", "status": "partial"}]
        assert list(listener.notifies(timeout=0.3)) == []
        with stocks.app_context():  # a run with nothing to fetch closes at once, and says so
            run_id = start_run("fmp.quotes", None, trigger="test")["run_id"]
        heard = [json.loads(n.payload) for n in listener.notifies(timeout=1.0, stop_after=1)]
        assert heard == [{"id": run_id, "dataset": "fmp.quotes", "status": "succeeded"}]
