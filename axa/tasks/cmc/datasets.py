"""The cmc subsystem's datasets, one per name (CoinMarketCap).

``CATALOGUE`` holds them in run order (the id map first; ``cmc.quotes`` runs only when asked);
``get(name)`` looks one up. Schedules: ``AXA_SCHEDULE_<DATASET>`` seconds.
"""
from __future__ import annotations

from sqlalchemy import select

from axa.models.cmc import Coin, db
from axa.tasks.ingest import Dataset

DAY, MINUTE = 86400.0, 60.0


def single(params: dict) -> list[dict]:
    return [params]


def ids_chunked(size: int):
    """Batches of ``size`` coin ids: the given ones, else every known coin."""
    def plan(params: dict) -> list[dict]:
        ids = params.get("ids") or list(db.session.scalars(select(Coin.id).order_by(Coin.id)))
        return [{**params, "ids": [int(i) for i in ids[i:i + size]]} for i in range(0, len(ids), size)]
    return plan


CMC_MAP = Dataset("cmc.map", "cmc", "cryptocurrency/map", "cmc.poll.fetch_cmc", single, DAY,
                  description="CMC id map")
CMC_LISTINGS = Dataset("cmc.listings", "cmc", "cryptocurrency/listings/latest", "cmc.poll.fetch_cmc",
                       single, 5 * MINUTE, fresh_for=15 * 60,
                       description="CMC listings with USD quotes, paged by start/limit")
CMC_GLOBAL = Dataset("cmc.global", "cmc", "global-metrics/quotes/latest", "cmc.poll.fetch_cmc", single,
                     5 * MINUTE, description="CMC global market metrics")
CMC_INFO = Dataset("cmc.info", "cmc", "cryptocurrency/info", "cmc.poll.fetch_cmc", ids_chunked(100), DAY,
                   description="CMC coin descriptions, logos, links")
CMC_QUOTES = Dataset("cmc.quotes", "cmc", "cryptocurrency/quotes/latest", "cmc.poll.fetch_cmc",
                     ids_chunked(100), DAY, fresh_for=15 * 60, scheduled=False,
                     description="CMC quotes by id (on demand; listings keep quotes current)")

CATALOGUE = {d.name: d for d in (CMC_MAP, CMC_LISTINGS, CMC_GLOBAL, CMC_INFO, CMC_QUOTES)}


def get(name: str) -> Dataset:
    if name not in CATALOGUE:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(CATALOGUE)}")
    return CATALOGUE[name]
