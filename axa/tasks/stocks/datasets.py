"""The stocks subsystem's datasets: FMP equities, Cbonds and Terrapin bonds.

Schedules are seconds between runs; each can be changed with ``AXA_SCHEDULE_<DATASET>`` (dots
become underscores, e.g. ``AXA_SCHEDULE_FMP_QUOTES=30``). Chunked datasets take their items per
batch (per poll task) from ``AXA_BATCH_<DATASET>``; a batch may make several vendor calls (FMP
quotes: 100 symbols a call, up to 1,500 a batch, so the per-task cost is paid once per ~1,500
quotes; a failed call retries its batch's calls). Batches are as even as whole calls allow.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from axa.models.stocks import Instrument, db
from axa.platform.config import dataset_batch_items, dataset_schedule
from axa.tasks.pipeline import Dataset

DAY, HOUR, MINUTE = 86400.0, 3600.0, 60.0


def schedule(name: str, default: float) -> float:
    return dataset_schedule(name, default)


def _ids(source: str, column=Instrument.source_instrument_id, asset_class: str | None = None) -> list[str]:
    stmt = select(column).where(Instrument.source == source, column.is_not(None))
    if asset_class:
        stmt = stmt.where(Instrument.asset_class == asset_class)
    return list(db.session.scalars(stmt.order_by(column)))


def single(params: dict) -> list[dict]:
    return [params]


def batch_items(name: str, default: int) -> int:
    return dataset_batch_items(name, default)


def chunked(key: str, size: int, source: str, asset_class: str | None = None,
            column=Instrument.source_instrument_id, setting: str | None = None, per_call: int = 1):
    """Batches of at most ``size`` symbols (or ISINs; ``AXA_BATCH_<setting>`` when set, read at
    plan time): the given ones, else every known one. As few batches as that allows, of even size
    (batches of equal work finish together: no short last batch running alone), each a whole
    number of vendor calls of ``per_call`` items, so no extra call is made."""
    def plan(params: dict) -> list[dict]:
        size_now = batch_items(setting, size) if setting else size
        items = params.get(key) or _ids(source, column, asset_class)
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


def _dataset(name, vendor, fetcher, plan, default_schedule, fresh_for=0, description="", bulk=False,
             **defaults):
    return Dataset(name, "stocks", vendor, fetcher, plan, schedule(name, default_schedule), fresh_for,
                   description, defaults, bulk)


DATASETS = {d.name: d for d in (
    _dataset("fmp.symbols", "fmp", "stock-list", single, DAY, description="FMP symbol list"),
    _dataset("fmp.profiles", "fmp", "profile", chunked("symbols", 25, "fmp"), DAY, bulk=True,
             description="FMP company profiles (ISIN, currency, sector)"),
    _dataset("fmp.quotes", "fmp", "batch-quote",
             chunked("symbols", 1500, "fmp", setting="fmp.quotes", per_call=100), MINUTE, fresh_for=180,
             description="FMP batch quotes, 100 symbols a call, up to 1,500 a batch",
             batch_size=100),
    _dataset("fmp.history", "fmp", "historical-price-eod/full", history_plan, DAY, bulk=True,
             description="FMP daily bars (after the close)"),
    _dataset("cbonds.emissions", "cbonds", "get_emissions", single, DAY,
             description="Cbonds bond issues and terms"),
    _dataset("cbonds.emitents", "cbonds", "get_emitents", single, DAY, description="Cbonds issuers"),
    _dataset("cbonds.tradings", "cbonds", "get_tradings_new",
             chunked("isins", 50, "cbonds", column=Instrument.isin), HOUR, fresh_for=2 * 3600,
             description="Cbonds trading results (bond prices), 50 ISINs a batch"),
    _dataset("terrapin.bonds", "terrapin", "bond_search", single, DAY,
             description="Terrapin bond universe (search)"),
    _dataset("terrapin.reference", "terrapin", "bond_reference", chunked("isins", 1000, "terrapin"),
             DAY, description="Terrapin bond reference data"),
    _dataset("terrapin.prices", "terrapin", "bond_pricing_latest", chunked("isins", 1000, "terrapin"),
             HOUR, fresh_for=2 * 3600, description="Terrapin latest bond prices"),
)}

# Reference datasets run before the ones that read their output.
ORDER = ("fmp.symbols", "cbonds.emissions", "cbonds.emitents", "terrapin.bonds", "fmp.profiles",
         "terrapin.reference", "fmp.quotes", "cbonds.tradings", "terrapin.prices", "fmp.history")
