"""The stocks subsystem's datasets, one per name: FMP equities, Cbonds and Terrapin bonds.

``CATALOGUE`` holds them in run order (reference data before the datasets that read it);
``get(name)`` looks one up. Schedules are seconds between beat runs, each changeable with
``AXA_SCHEDULE_<DATASET>`` (``fmp.quotes`` → ``AXA_SCHEDULE_FMP_QUOTES``). Chunked datasets take
their items per batch (per poll task) from ``AXA_BATCH_<DATASET>`` where noted; a batch may make
several vendor calls (FMP quotes: 100 symbols a call, up to 1,500 a batch, so the per-task cost is
paid once per ~1,500 quotes; a failed call retries its batch's calls). Batches are as even as
whole calls allow.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from axa.models.stocks import Instrument, db
from axa.platform.config import dataset_batch_items
from axa.tasks.ingest import Dataset

DAY, HOUR, MINUTE = 86400.0, 3600.0, 60.0


def single(params: dict) -> list[dict]:
    return [params]


def _ids(source: str, column=Instrument.source_instrument_id) -> list[str]:
    stmt = select(column).where(Instrument.source == source, column.is_not(None))
    return list(db.session.scalars(stmt.order_by(column)))


def chunked(key: str, size: int, source: str, column=Instrument.source_instrument_id,
            setting: str | None = None, per_call: int = 1):
    """Batches of at most ``size`` symbols (or ISINs; ``AXA_BATCH_<setting>`` when set, read at
    plan time): the given ones, else every known one. As few batches as that allows, of even size
    (batches of equal work finish together: no short last batch running alone), each a whole
    number of vendor calls of ``per_call`` items, so no extra call is made."""
    def plan(params: dict) -> list[dict]:
        size_now = dataset_batch_items(setting, size) if setting else size
        items = params.get(key) or _ids(source, column)
        rest = {k: v for k, v in params.items() if k != key}
        return [{**rest, key: list(items[start:end])}
                for start, end in even_slices(len(items), size_now, per_call)]
    return plan


def even_slices(count: int, most: int, unit: int = 1) -> list[tuple[int, int]]:
    """[start, end) slices of ``count`` items: as few as hold at most ``most`` each, their sizes
    whole ``unit``s (but the last) and as even as that allows."""
    unit = max(1, min(unit, most))
    units, per_batch = -(-count // unit), max(1, most // unit)
    batches = -(-units // per_batch)
    slices, start = [], 0
    for number in range(batches):
        share = units // batches + (1 if number < units % batches else 0)
        end = min(count, start + share * unit)
        slices.append((start, end))
        start = end
    return slices


def history_plan(params: dict) -> list[dict]:
    """One batch per symbol over [start, end] (default: the last ``days`` days)."""
    end = params.get("end") or datetime.now(UTC).date().isoformat()
    start = params.get("start") or (datetime.now(UTC).date()
                                    - timedelta(days=int(params.get("days", 30)))).isoformat()
    symbols = params.get("symbols") or _ids("fmp")
    return [{"symbol": s, "start": start, "end": end} for s in symbols]


FMP_SYMBOLS = Dataset("fmp.symbols", "fmp", "stock-list", "stocks.poll.fetch_fmp", single, DAY,
                      description="FMP symbol list")
CBONDS_EMISSIONS = Dataset("cbonds.emissions", "cbonds", "get_emissions", "stocks.poll.fetch_cbonds",
                           single, DAY, description="Cbonds bond issues and terms")
CBONDS_EMITENTS = Dataset("cbonds.emitents", "cbonds", "get_emitents", "stocks.poll.fetch_cbonds",
                          single, DAY, description="Cbonds issuers")
TERRAPIN_BONDS = Dataset("terrapin.bonds", "terrapin", "bond_search", "stocks.poll.fetch_terrapin",
                         single, DAY, description="Terrapin bond universe (search)")
FMP_PROFILES = Dataset("fmp.profiles", "fmp", "profile", "stocks.poll.fetch_fmp_bulk",
                       chunked("symbols", 25, "fmp"), DAY,
                       description="FMP company profiles (ISIN, currency, sector)")
TERRAPIN_REFERENCE = Dataset("terrapin.reference", "terrapin", "bond_reference",
                             "stocks.poll.fetch_terrapin", chunked("isins", 1000, "terrapin"), DAY,
                             description="Terrapin bond reference data")
FMP_QUOTES = Dataset("fmp.quotes", "fmp", "batch-quote", "stocks.poll.fetch_fmp",
                     chunked("symbols", 1500, "fmp", setting="fmp.quotes", per_call=100), MINUTE,
                     fresh_for=180, defaults={"batch_size": 100},
                     description="FMP batch quotes, 100 symbols a call, up to 1,500 a batch")
CBONDS_TRADINGS = Dataset("cbonds.tradings", "cbonds", "get_tradings_new", "stocks.poll.fetch_cbonds",
                          chunked("isins", 50, "cbonds", column=Instrument.isin), HOUR,
                          fresh_for=2 * 3600,
                          description="Cbonds trading results (bond prices), 50 ISINs a batch")
TERRAPIN_PRICES = Dataset("terrapin.prices", "terrapin", "bond_pricing_latest",
                          "stocks.poll.fetch_terrapin", chunked("isins", 1000, "terrapin"), HOUR,
                          fresh_for=2 * 3600, description="Terrapin latest bond prices")
FMP_HISTORY = Dataset("fmp.history", "fmp", "historical-price-eod/full", "stocks.poll.fetch_fmp_bulk",
                      history_plan, DAY, description="FMP daily bars (after the close)")

CATALOGUE = {d.name: d for d in (
    FMP_SYMBOLS, CBONDS_EMISSIONS, CBONDS_EMITENTS, TERRAPIN_BONDS, FMP_PROFILES, TERRAPIN_REFERENCE,
    FMP_QUOTES, CBONDS_TRADINGS, TERRAPIN_PRICES, FMP_HISTORY)}


def get(name: str) -> Dataset:
    if name not in CATALOGUE:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(CATALOGUE)}")
    return CATALOGUE[name]
