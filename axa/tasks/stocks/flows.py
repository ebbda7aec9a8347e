"""The stocks ingest graph: one Pipeline over the stocks datasets and database."""
from __future__ import annotations

from flask import current_app

from axa.clients.records import InstrumentRecord, QuoteRecord, latest_per_instrument
from axa.models import latest_quotes
from axa.models import stocks as models
from axa.platform.redis_client import client_for
from axa.tasks.pipeline import Dataset, Pipeline
from axa.tasks.stocks.datasets import DATASETS, ORDER
from axa.tasks.stocks.store import store


class StocksPipeline(Pipeline):
    def after_commit(self, dataset: Dataset, records: list) -> None:
        """Latest quotes and the symbol index to Redis (the read paths never call a vendor)."""
        client = client_for(current_app.config["AXA"].redis_url)
        symbols = {}
        for r in records:
            if isinstance(r, InstrumentRecord):
                ref = f"{r.source}:{r.source_instrument_id}"
                for name in (r.symbol if r.source == "fmp" else None, r.isin):
                    if name:
                        symbols[name] = ref
        live = [r for r in records if isinstance(r, QuoteRecord)]
        ids_typed = dataset.vendor in ("fmp", "terrapin")  # FMP ids are symbols, Terrapin's ISINs
        if dataset.fresh_for and live:  # the latest quotes, their ids indexed in the same script
            latest_quotes.write(client, latest_per_instrument(live), dataset.name, dataset.fresh_for,
                                index_ids=ids_typed)
        elif ids_typed:
            for r in live:
                symbols.setdefault(r.source_instrument_id, f"{r.source}:{r.source_instrument_id}")
        latest_quotes.index_symbols(client, symbols)


PIPELINE = StocksPipeline("stocks", models, DATASETS, store, ORDER)
