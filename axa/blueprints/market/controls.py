"""Operator controls over one subsystem's ingest runs, shared by the admin API and the CLI.

Each market subsystem (stocks, cmc) installs one ``MarketControls`` as
``app.extensions["market"]`` from its ``init_app``: its dataset catalogue, its
``<sub>.dispatch.start_run`` task, its models, and which selection (``symbols``, ``ids`` or
``isins``) narrows which dataset; a dataset without a selector only runs whole.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from celery import Task
from flask import current_app
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Select, select

from axa.tasks.ingest import Dataset

SELECTIONS = ("symbols", "ids", "isins")


class SelectionError(ValueError):
    """A refresh request that names an unknown dataset or a selection the dataset cannot take."""

    def __init__(self, message: str, field_name: str, known: list[str] | None = None):
        super().__init__(message)
        self.message, self.field_name, self.known = message, field_name, known or []


@dataclass(frozen=True)
class MarketControls:
    datasets: Mapping[str, Dataset]  # the subsystem's catalogue, in run order
    start_run: Task  # <sub>.dispatch.start_run, run in the request (quick: no vendor call)
    db: SQLAlchemy
    run_model: type  # IngestRun
    quarantine_model: type  # QuarantinedRecord
    user_model: type  # the users replica (admin role)
    selectors: dict[str, str] = field(default_factory=dict)  # dataset -> "symbols" | "ids" | "isins"

    def dataset_names(self) -> list[str]:
        """Names in run order (reference data first), then the on-demand ones."""
        return sorted(self.datasets, key=lambda name: not self.datasets[name].scheduled)

    def check_dataset(self, name: str) -> Dataset:
        if name not in self.datasets:
            known = self.dataset_names()
            raise SelectionError(f"Unknown dataset {name!r}; known: {', '.join(known)}.",
                                 "dataset", known)
        return self.datasets[name]

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
        return {"dataset": name, **self.start_run(name, params, trigger=trigger)}

    def describe(self) -> list[dict]:
        return [{"name": name, "vendor": d.vendor, "fetcher": d.fetcher, "schedule_seconds": d.schedule,
                 "fresh_for_seconds": d.fresh_for, "description": d.description,
                 "selection": self.selectors.get(name), "scheduled": d.scheduled}
                for name, d in ((name, self.datasets[name]) for name in self.dataset_names())]

    def runs(self, dataset: str | None = None) -> Select:
        if dataset:
            self.check_dataset(dataset)
        return self.run_model.recent(dataset)

    def run(self, run_id: int):
        return self.db.session.get(self.run_model, run_id)

    def quarantine(self, run_id: int | None = None, dataset: str | None = None) -> Select:
        record = self.quarantine_model
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
