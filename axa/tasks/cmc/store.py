"""Where CMC records land in the cmc database."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert

from axa.clients.records import (
    CoinInfoRecord,
    GlobalMetricsRecord,
    InstrumentRecord,
    QuoteRecord,
    latest_per_instrument,
)
from axa.models.bulk import upsert, upsert_newer
from axa.models.cmc import Coin, CoinDaily, CoinQuote, GlobalMetrics, db
from axa.tasks.ingest import Dataset, Stored


def _coalescing_upsert(rows: list[dict]) -> int:
    """Upsert coins; a field one dataset leaves out (None) keeps what another one stored."""
    upsert(db.session, Coin.__table__, rows, ["id"], only_if_changed=False, coalesce=True)
    return len(rows)


def store_coins(records: list[InstrumentRecord]) -> int:
    now = datetime.now(UTC)
    return _coalescing_upsert([
        {"id": r.cmc_id, "symbol": r.symbol or "", "name": r.name or "", "slug": r.cmc_slug,
         "asset_class": r.asset_class or "crypto", "is_active": r.is_active, "chain": r.chain,
         "token_address": r.token_address, "updated_at": now} for r in records if r.cmc_id])


def store_info(records: list[CoinInfoRecord]) -> int:
    now = datetime.now(UTC)
    return _coalescing_upsert([
        {"id": int(r.source_instrument_id), "symbol": r.symbol or "", "name": r.name or "",
         "slug": r.slug, "category": r.category, "description": r.description, "logo": r.logo,
         "tags": list(r.tags), "urls": {"website": list(r.website), "technical_doc": list(r.technical_doc),
                                        "explorer": list(r.explorer), "source_code": list(r.source_code)},
         "date_added": r.date_added, "date_launched": r.date_launched, "updated_at": now}
        for r in records])


def latest_by_currency(quotes: list[QuoteRecord]) -> dict[str, list[QuoteRecord]]:
    """The latest quote of each coin, per quote currency (each quote reduced once)."""
    by_currency: dict[str, list[QuoteRecord]] = {}
    for quote in quotes:
        by_currency.setdefault(quote.quote_currency or "USD", []).append(quote)
    return {currency: latest_per_instrument(group) for currency, group in by_currency.items()}


def store_quotes(latest: dict[str, list[QuoteRecord]]) -> int:
    """The latest quote per coin and currency, never moving backwards; folded into the day's OHLC."""
    table = CoinQuote.__table__
    rows = [{"coin_id": int(r.source_instrument_id), "quote_currency": currency,
             "price": r.price, "volume_24h": r.volume, "market_cap": r.market_cap,
             "percent_change_24h": r.change_pct, "as_of": r.as_of, "fetched_at": r.fetched_at,
             "raw_ref": r.raw_ref} for currency, quotes in latest.items() for r in quotes]
    if not rows:
        return 0
    upsert_newer(db.session, table, rows, ["coin_id", "quote_currency"])
    for start in range(0, len(rows), 2000):
        store_daily(rows[start:start + 2000])
    return len(rows)


def store_daily(rows: list[dict]) -> None:
    """Fold each observation into its UTC day's OHLC (open kept, high/low widened, close moved)."""
    table = CoinDaily.__table__
    daily = [{"coin_id": r["coin_id"], "quote_currency": r["quote_currency"], "day": r["as_of"].date(),
              "open": r["price"], "high": r["price"], "low": r["price"], "close": r["price"],
              "volume_24h": r["volume_24h"], "market_cap": r["market_cap"], "last_as_of": r["as_of"]}
             for r in rows]
    stmt = insert(table).values(daily)
    newer = table.c.last_as_of < stmt.excluded.last_as_of
    stmt = stmt.on_conflict_do_update(
        index_elements=["coin_id", "quote_currency", "day"],
        set_={"high": func.greatest(table.c.high, stmt.excluded.high),
              "low": func.least(table.c.low, stmt.excluded.low),
              "close": stmt.excluded.close, "volume_24h": stmt.excluded.volume_24h,
              "market_cap": stmt.excluded.market_cap, "last_as_of": stmt.excluded.last_as_of},
        where=newer)
    db.session.execute(stmt)


def store_global(records: list[GlobalMetricsRecord]) -> int:
    columns = [c.name for c in GlobalMetrics.__table__.columns]
    rows = [{c: getattr(r, c) for c in columns} for r in records]
    return upsert(db.session, GlobalMetrics.__table__, rows, ["quote_currency", "as_of"])


def store(dataset: Dataset, records: list) -> Stored:
    """Upsert a batch's records by kind (the caller commits). Quotes are reduced to the latest per
    coin and currency once, here; the USD ones are also what goes to Redis after the commit."""
    by_type: dict[type, list] = {}
    for record in records:
        by_type.setdefault(type(record), []).append(record)
    latest = latest_by_currency(by_type.get(QuoteRecord, []))
    written = (store_coins(by_type.get(InstrumentRecord, [])) + store_info(by_type.get(CoinInfoRecord, []))
               + store_quotes(latest) + store_global(by_type.get(GlobalMetricsRecord, [])))
    return Stored(written, latest.get("USD", []))
