"""Where the stocks datasets' standard records land: bulk upserts on natural keys."""
from __future__ import annotations

from datetime import UTC, datetime
from operator import attrgetter

from sqlalchemy import case

from axa.clients.records import (
    BondTermsRecord,
    InstrumentRecord,
    IssuerRecord,
    QuoteRecord,
    latest_per_instrument,
)
from axa.models.bulk import upsert, upsert_newer
from axa.models.stocks import BondTerms, DailyBar, Instrument, LatestQuote, db
from axa.tasks.ingest import Dataset, Stored

INSTRUMENT_COLUMNS = [c.name for c in Instrument.__table__.columns if c.name not in ("id",)]
QUOTE_COLUMNS = [c.name for c in LatestQuote.__table__.columns]
TERMS_COLUMNS = [c.name for c in BondTerms.__table__.columns]


def _pick(record, columns) -> dict:
    return {c: getattr(record, c, None) for c in columns}


def store_instruments(records: list[InstrumentRecord]) -> int:
    """Upsert; a field a vendor left out (None) never erases what another dataset stored."""
    rows = [{**_pick(r, INSTRUMENT_COLUMNS), "updated_at": datetime.now(UTC)} for r in records]
    upsert(db.session, Instrument.__table__, rows, ["source", "source_instrument_id"],
           only_if_changed=False, coalesce=True)
    return len(rows)


def store_terms(records: list[BondTermsRecord]) -> int:
    return upsert(db.session, BondTerms.__table__, (_pick(r, TERMS_COLUMNS) for r in records),
                  ["source", "source_instrument_id"])


def store_issuers(records: list[IssuerRecord]) -> int:
    """Issuer cards name the issuer on every bond of theirs that Cbonds knows."""
    names = {r.source_issuer_id: r.name or r.full_name for r in records if r.name or r.full_name}
    if names:  # one statement for all issuers, not an UPDATE per issuer
        table = Instrument.__table__
        db.session.execute(table.update().where(
            table.c.source == "cbonds", table.c.vendor_issuer_id.in_(list(names)),
            table.c.issuer_name.is_(None)).values(
                issuer_name=case(names, value=table.c.vendor_issuer_id)))
    return len(records)


_RECORD_COLUMNS = [c for c in QUOTE_COLUMNS if c != "dataset"]
_record_values = attrgetter(*_RECORD_COLUMNS)


def store_latest(dataset: Dataset, latest: list[QuoteRecord]) -> int:
    """The latest quote per instrument, never moving backwards in time."""
    columns, name = (*_RECORD_COLUMNS, "dataset"), dataset.name
    rows = [dict(zip(columns, (*_record_values(r), name), strict=True)) for r in latest]
    return upsert_newer(db.session, LatestQuote.__table__, rows, ["source", "source_instrument_id"])


def store_bars(records: list[QuoteRecord]) -> int:
    bars = ({"source": r.source, "source_instrument_id": r.source_instrument_id,
             "trade_date": r.as_of.date(), "open": r.open, "high": r.high, "low": r.low,
             "close": r.price, "volume": r.volume, "yield_pct": r.yield_pct,
             "price_unit": r.price_unit, "raw_ref": r.raw_ref} for r in records)
    return upsert(db.session, DailyBar.__table__, bars, ["source", "source_instrument_id", "trade_date"])


def store(dataset: Dataset, records: list) -> Stored:
    """Upsert a batch's records by kind (the caller commits). Quotes are reduced to the latest
    per instrument once, here; that list is both the upsert of latest quotes and, after the
    commit, what goes to Redis. Day-precision quotes are daily bars too."""
    by_type: dict[type, list] = {}
    for record in records:
        by_type.setdefault(type(record), []).append(record)
    instruments, quotes = by_type.get(InstrumentRecord, []), by_type.get(QuoteRecord, [])
    written = store_instruments(instruments) + store_terms(by_type.get(BondTermsRecord, []))
    written += store_issuers(by_type.get(IssuerRecord, []))
    latest = latest_per_instrument(quotes)
    if dataset.name == "fmp.history":  # bars only: history must not replace the live quote
        return Stored(written + store_bars(quotes), latest, instruments)
    written += store_latest(dataset, latest)
    store_bars([r for r in quotes if r.as_of_precision == "day"])
    return Stored(written, latest, instruments)
