"""The cmc subsystem's datasets (CoinMarketCap). Schedules: ``AXA_SCHEDULE_<DATASET>`` seconds."""
from __future__ import annotations

from sqlalchemy import select

from axa.models.cmc import Coin, db
from axa.tasks.pipeline import Dataset
from axa.tasks.stocks.datasets import DAY, MINUTE, schedule, single


def ids_chunked(size: int):
    def plan(params: dict) -> list[dict]:
        ids = params.get("ids") or list(db.session.scalars(select(Coin.id).order_by(Coin.id)))
        return [{**params, "ids": [int(i) for i in ids[i:i + size]]} for i in range(0, len(ids), size)]
    return plan


def _dataset(name, fetcher, plan, default_schedule, fresh_for=0, description="", **defaults):
    return Dataset(name, "cmc", "cmc", fetcher, plan, schedule(name, default_schedule), fresh_for,
                   description, defaults)


DATASETS = {d.name: d for d in (
    _dataset("cmc.map", "cryptocurrency/map", single, DAY, description="CMC id map"),
    _dataset("cmc.listings", "cryptocurrency/listings/latest", single, 5 * MINUTE, fresh_for=15 * 60,
             description="CMC listings with USD quotes, paged by start/limit"),
    _dataset("cmc.quotes", "cryptocurrency/quotes/latest", ids_chunked(100), DAY, fresh_for=15 * 60,
             description="CMC quotes by id (on demand; listings keep quotes current)"),
    _dataset("cmc.info", "cryptocurrency/info", ids_chunked(100), DAY,
             description="CMC coin descriptions, logos, links"),
    _dataset("cmc.global", "global-metrics/quotes/latest", single, 5 * MINUTE,
             description="CMC global market metrics"),
)}
ORDER = ("cmc.map", "cmc.listings", "cmc.global", "cmc.info")  # cmc.quotes runs when asked
