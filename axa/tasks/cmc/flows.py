"""The cmc ingest graph: one Pipeline over the CMC datasets and the cmc database."""
from __future__ import annotations

from flask import current_app

from axa.clients.records import QuoteRecord, latest_per_instrument
from axa.models import cmc as models
from axa.models import latest_quotes
from axa.platform.redis_client import client_for
from axa.tasks.cmc.datasets import DATASETS, ORDER
from axa.tasks.cmc.store import store
from axa.tasks.pipeline import Dataset, Pipeline


class CmcPipeline(Pipeline):
    def after_commit(self, dataset: Dataset, records: list) -> None:
        live = [r for r in records if isinstance(r, QuoteRecord) and (r.quote_currency or "USD") == "USD"]
        if dataset.fresh_for and live:
            latest_quotes.write(client_for(current_app.config["AXA"].redis_url), latest_per_instrument(live),
                                dataset.name, dataset.fresh_for)


PIPELINE = CmcPipeline("cmc", models, DATASETS, store, ORDER)
