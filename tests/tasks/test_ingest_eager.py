"""The ingest graph run eagerly against the vendor sandbox: runs, upserts, quarantine, Redis."""
from decimal import Decimal

import msgspec
from sqlalchemy import func, select

from axa.models import cmc as cmc_models
from axa.models import latest_quotes
from axa.models import stocks as m
from axa.platform.redis_client import client_for
from axa.tasks.stocks import datasets as stocks_datasets
from axa.tasks.stocks.dispatch import run_due


def _run(app, name, params=None):
    """One run through the subsystem's ``<sub>.dispatch.start_run`` (eager: poll and format run
    in this process); the finished run's row."""
    with app.app_context():
        controls = app.extensions["market"]
        run = controls.run(controls.start_run(name, params, trigger="test")["run_id"])
        controls.db.session.refresh(run)
        return run.to_dict()


def _count(app, model):
    with app.app_context():
        return app.extensions["sqlalchemy"].session.scalar(select(func.count()).select_from(model))


def test_symbols_then_quotes_store_instruments_and_latest_quotes(apps, sandbox):
    stocks = apps["stocks"]
    run = _run(stocks, "fmp.symbols")
    assert run["status"] == "succeeded" and run["batches_done"] == run["batches_total"] == 1
    assert run["records_stored"] >= 5000
    assert _count(stocks, m.Instrument) == run["records_stored"]
    state = sandbox.app.extensions["sandbox"]
    state.clear_requests()
    run = _run(stocks, "fmp.quotes")
    symbols = _count(stocks, m.Instrument)
    # up to 1,500 symbols a batch (one poll task), 100 a vendor call
    assert run["status"] == "succeeded" and run["batches_total"] == -(-symbols // 1500)
    assert len(state.requests("fmp")) == -(-symbols // 100)
    assert run["records_stored"] >= 5000 and run["finished_at"] is not None
    assert _count(stocks, m.LatestQuote) == run["records_stored"]
    redis = client_for(stocks.config["AXA"].redis_url)
    with stocks.app_context():
        before = dict(m.db.session.execute(select(m.LatestQuote.source_instrument_id, m.LatestQuote.price)).all())
    symbol = sorted(before)[0]
    first_price = before[symbol]
    cached = msgspec.structs.asdict(latest_quotes.read(redis, [symbol]).quotes[symbol])
    assert Decimal(cached["price"]) == first_price and cached["source"] == "fmp"
    assert isinstance(cached["stale"], bool) and cached["as_of"]  # sandbox time: may be stale
    sandbox.clock.advance(120)  # prices move with the sandbox's clock
    again = _run(stocks, "fmp.quotes")
    assert again["records_stored"] == run["records_stored"]
    assert _count(stocks, m.LatestQuote) == run["records_stored"]  # no duplicate rows
    with stocks.app_context():
        after = dict(m.db.session.execute(select(m.LatestQuote.source_instrument_id, m.LatestQuote.price)).all())
    moved = sum(after[s] != before[s] for s in before)
    assert moved > 0.5 * len(before)


def test_bad_rows_are_quarantined_and_the_rest_stored(apps, sandbox):
    stocks = apps["stocks"]
    _run(stocks, "fmp.symbols")
    state = sandbox.app.extensions["sandbox"]
    state.faults.set("fmp", {"malformed": {"count": 1, "mode": "partly_invalid"}})
    run = _run(stocks, "fmp.quotes", {"symbols": _symbols(stocks, 100)})
    assert run["status"] == "succeeded"
    assert run["records_rejected"] > 0 and run["records_stored"] > 0
    assert run["records_stored"] + run["records_rejected"] >= 100
    with stocks.app_context():
        rows = list(m.db.session.scalars(select(m.QuarantinedRecord)))
    assert len(rows) == run["records_rejected"]
    assert {r.vendor for r in rows} == {"fmp"} and all(r.reason and r.raw for r in rows)


def test_auth_failure_ends_run_failed_not_hung(apps, sandbox, monkeypatch):
    monkeypatch.setenv("AXA_FMP_API_KEY", "wrong-key")
    stocks = apps["stocks"]
    run = _run(stocks, "fmp.symbols")
    assert run["status"] == "failed" and run["batches_failed"] == 1
    assert "AuthFailed" in run["errors"][0] and "wrong-key" not in str(run)


def test_bonds_from_cbonds_and_terrapin(apps, sandbox):
    stocks = apps["stocks"]
    for name in ("cbonds.emissions", "terrapin.bonds"):
        assert _run(stocks, name)["status"] == "succeeded"
    with stocks.app_context():
        bonds = m.db.session.scalar(select(func.count()).select_from(m.Instrument)
                                    .where(m.Instrument.asset_class == "bond"))
        terms = m.db.session.scalar(select(func.count()).select_from(m.BondTerms))
    assert bonds >= 3000 and terms >= 3000
    prices = _run(stocks, "terrapin.prices")
    assert prices["status"] == "succeeded" and prices["records_stored"] > 0


def test_cmc_listings_and_global(apps, sandbox):
    cmc = apps["cmc"]
    run = _run(cmc, "cmc.listings")
    assert run["status"] == "succeeded" and run["records_stored"] >= 4000  # coins + quotes
    assert _count(cmc, cmc_models.Coin) >= 2000 and _count(cmc, cmc_models.CoinQuote) >= 2000
    assert _count(cmc, cmc_models.CoinDaily) >= 2000
    assert _run(cmc, "cmc.global")["status"] == "succeeded"
    assert _count(cmc, cmc_models.GlobalMetrics) == 1


def _only(monkeypatch, *names):
    """The stocks catalogue narrowed to ``names``, in that order (beat's run order)."""
    catalogue = {name: stocks_datasets.CATALOGUE[name] for name in names}
    monkeypatch.setattr(stocks_datasets, "CATALOGUE", catalogue)


def test_run_due_starts_in_order_and_not_twice_within_the_schedule(apps, sandbox, monkeypatch):
    order = ("cbonds.emitents", "terrapin.bonds")
    _only(monkeypatch, *order)
    stocks = apps["stocks"]
    with stocks.app_context():
        first = [r["dataset"] for r in run_due()]
        second = run_due()
        runs = m.db.session.scalar(select(func.count()).select_from(m.IngestRun))
    assert first == list(order) and second == [] and runs == 2


def _symbols(app, n):
    with app.app_context():
        return list(m.db.session.scalars(select(m.Instrument.source_instrument_id)
                                         .where(m.Instrument.source == "fmp").limit(n)))


def test_a_dataset_with_nothing_to_read_yet_stays_due(apps, sandbox, monkeypatch):
    _only(monkeypatch, "fmp.quotes", "fmp.symbols")  # quotes first: no instruments exist yet
    with apps["stocks"].app_context():
        first = [r["dataset"] for r in run_due()]
        second = [r["dataset"] for r in run_due()]
    assert first == ["fmp.symbols"]  # quotes had no symbols to poll: no run recorded
    assert second == ["fmp.quotes"]  # due at once, now that the symbols are there
