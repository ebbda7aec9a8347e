"""The ingest benchmark's reference does the pipeline's work: its raw COPY + INSERT … ON CONFLICT
leaves the same rows as the pipeline's bulk upsert, newer quotes only."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from axa.models.bulk import upsert_newer
from axa.models.stocks import LatestQuote, db
from axa.platform.config import database_url
from axa.tasks.stocks.store import QUOTE_COLUMNS
from bench.ingest import raw_upsert

T0 = datetime(2026, 6, 17, 15, 0, tzinfo=UTC)
COLUMNS = [c for c in QUOTE_COLUMNS if c != "dataset"] + ["dataset"]


def _row(symbol: str, minutes: int, price: str) -> dict:
    row = dict.fromkeys(COLUMNS)
    row.update(source="fmp", source_instrument_id=symbol, dataset="fmp.quotes", price=Decimal(price),
               price_unit="currency", quote_currency="USD", volume=Decimal(1000),
               as_of=T0 + timedelta(minutes=minutes), as_of_precision="instant",
               fetched_at=T0 + timedelta(minutes=minutes, seconds=1), raw_ref="ab" * 32)
    return row


RUNS = [[_row("AAA", 1, "10.50"), _row("BBB", 1, "20.00")],
        [_row("AAA", 2, "10.75"), _row("CCC", 2, "1.25")],
        [_row("AAA", 0, "9.00"), _row("BBB", 3, "21.00")]]  # AAA's quote is older: kept out


@pytest.fixture
def stocks(apps):
    app = apps["stocks"]
    with app.app_context():
        db.session.execute(text("DROP TABLE IF EXISTS bench_raw_quotes; "
                                "CREATE TABLE bench_raw_quotes (LIKE latest_quotes INCLUDING ALL)"))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.execute(text("DROP TABLE bench_raw_quotes"))
        db.session.commit()


def _contents(app, table: str) -> set[tuple]:
    with app.app_context():
        return set(db.session.execute(text(f"SELECT {', '.join(COLUMNS)} FROM {table}")).all())


def test_raw_reference_leaves_the_rows_the_pipeline_upsert_leaves(stocks):
    url = make_url(database_url("stocks")).set(drivername="postgresql").render_as_string(hide_password=False)
    assert raw_upsert(url, COLUMNS, [[list(row.values()) for row in run] for run in RUNS]) > 0
    with stocks.app_context():
        for run in RUNS:
            upsert_newer(db.session, LatestQuote.__table__, run, ["source", "source_instrument_id"])
            db.session.commit()
    stored = _contents(stocks, "latest_quotes")
    assert stored == _contents(stocks, "bench_raw_quotes")
    price = COLUMNS.index("price")
    assert {(r[1], r[price]) for r in stored} == {("AAA", Decimal("10.75")), ("BBB", Decimal("21.00")),
                                             ("CCC", Decimal("1.25"))}
