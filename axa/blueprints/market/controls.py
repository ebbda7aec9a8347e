"""Operator controls over one subsystem's ingest Pipeline, shared by the admin API and the CLI.

Each market subsystem (stocks, cmc) installs one ``MarketControls`` as
``app.extensions["market"]`` from its ``init_app``, naming which selection (``symbols``, ``ids``
or ``isins``) narrows which dataset; a dataset without a selector only runs whole.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Select, select

from axa.tasks.pipeline import Pipeline

SELECTIONS = ("symbols", "ids", "isins")


class SelectionError(ValueError):
    """A refresh request that names an unknown dataset or a selection the dataset cannot take."""

    def __init__(self, message: str, field_name: str, known: list[str] | None = None):
        super().__init__(message)
        self.message, self.field_name, self.known = message, field_name, known or []


@dataclass
class MarketControls:
    pipeline: Pipeline
    selectors: dict[str, str] = field(default_factory=dict)  # dataset -> "symbols" | "ids" | "isins"

    @property
    def models(self):
        return self.pipeline.models

    def dataset_names(self) -> list[str]:
        """Names in run order (reference data first), then the on-demand ones."""
        order = list(self.pipeline.order)
        return order + sorted(set(self.pipeline.datasets) - set(order))

    def check_dataset(self, name: str):
        if name not in self.pipeline.datasets:
            known = self.dataset_names()
            raise SelectionError(f"Unknown dataset {name!r}; known: {', '.join(known)}.",
                                 "dataset", known)
        return self.pipeline.datasets[name]

    def params_for(self, name: str, selection: dict) -> dict:
        """The run parameters for ``selection``; refuses one the dataset would silently ignore."""
        self.check_dataset(name)
        given = {key: list(value) for key, value in selection.items() if key in SELECTIONS and value}
        allowed = self.selectors.get(name)
        wrong = sorted(key for key in given if key != allowed)
        if wrong:
            takes = f"it takes only `{allowed}`" if allowed else "it only runs whole"
            raise SelectionError(f"Dataset {name!r} cannot be narrowed by `{wrong[0]}`: {takes}.",
                                 wrong[0])
        return given

    def start(self, name: str, selection: dict, trigger: str) -> dict:
        """Record the run, plan its batches and enqueue them (quick: no vendor call here)."""
        params = self.params_for(name, selection)
        return {"dataset": name, **self.pipeline.start_run(name, params, trigger=trigger)}

    def describe(self) -> list[dict]:
        datasets = self.pipeline.datasets
        return [{"name": name, "vendor": datasets[name].vendor, "fetcher": datasets[name].fetcher,
                 "schedule_seconds": datasets[name].schedule, "fresh_for_seconds": datasets[name].fresh_for,
                 "description": datasets[name].description, "selection": self.selectors.get(name),
                 "scheduled": name in self.pipeline.order}
                for name in self.dataset_names()]

    def runs(self, dataset: str | None = None) -> Select:
        if dataset:
            self.check_dataset(dataset)
        return self.models.IngestRun.recent(dataset)

    def run(self, run_id: int):
        return self.models.db.session.get(self.models.IngestRun, run_id)

    def quarantine(self, run_id: int | None = None, dataset: str | None = None) -> Select:
        record = self.models.QuarantinedRecord
        stmt = select(record).order_by(record.id.desc())
        if dataset:
            self.check_dataset(dataset)
            stmt = stmt.where(record.dataset == dataset)
        return stmt.where(record.run_id == run_id) if run_id is not None else stmt


def progress(run) -> dict:
    """A run as operators read it: the stored totals plus the share of batches done."""
    body = run.to_dict()
    total = run.batches_total or 0
    body["progress_pct"] = round(100.0 * run.batches_done / total, 1) if total else 100.0
    return body


def controls() -> MarketControls:
    return current_app.extensions["market"]
