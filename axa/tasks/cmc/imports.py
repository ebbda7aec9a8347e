"""``cmc.imports.import_csv`` on the ``cmc.imports`` queue: one portfolio CSV upload into
transactions, with a report.

Columns by header name, those of the export (``GET …/transactions.csv``) so an export imports back:
``executed_at``, ``kind``, ``coin_id`` or ``symbol``, ``quantity``, and optionally ``price``,
``fee``, ``currency``, ``note`` (others, like ``id`` and ``asset_kind``, are ignored; an empty
cell is an absent value). Each line is checked as ``POST …/transactions`` checks a body; a line
equal to a transaction already in the portfolio, or to an earlier line (same kind, asset,
quantity, price, fee, currency and time), is a duplicate and skipped. The lines that pass go in
together; a position they would leave short at some moment is refused as a whole (its lines
rejected with the reason), as are lines past the portfolio's transaction limit.

Exactly once: the whole import is one transaction, taken under the portfolio's lock and the import
row's; a redelivered job (a worker killed mid-way) finds the row not done and runs it again from
the start, and a second copy running at once finds the row locked and leaves it. Progress (lines
read) is kept in Redis for ``GET …/imports/{id}`` while it runs.
"""
from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, datetime

from celery import shared_task
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from axa.blueprints.cmc.portfolios import service
from axa.blueprints.cmc.portfolios.schemas import TransactionCreateSchema
from axa.blueprints.cmc.watchlists.service import checked_target
from axa.models import import_jobs
from axa.models.cmc import Portfolio, PortfolioImport, PortfolioTransaction, db
from axa.models.cmc.imports import REJECTED_KEPT
from axa.platform.redis_client import get_redis

log = logging.getLogger(__name__)
FIELDS = ("kind", "coin_id", "symbol", "quantity", "price", "fee", "currency", "executed_at", "note")
PROGRESS_EVERY = 250
PROGRESS_TTL = 86400


def progress_key(import_id: int) -> str:
    return f"axa:cmc:import:{import_id}:progress"


def fingerprint(values: dict) -> tuple:
    def number(value):
        return None if value is None else value.normalize()
    return (values["kind"], values.get("coin_id"), values.get("symbol"), number(values["quantity"]),
            number(values.get("price")), number(values["fee"]), values["currency"],
            values["executed_at"].astimezone(UTC))


class Report:
    def __init__(self) -> None:
        self.rejected: list[dict] = []
        self.count = 0
        self.duplicates = 0

    def reject(self, line: int, reason: str) -> None:
        self.count += 1
        if len(self.rejected) < REJECTED_KEPT:
            self.rejected.append({"line": line, "reason": reason[:300]})


def _reason(problem) -> str:
    if isinstance(problem, ValidationError):
        return "; ".join(f"{field}: {' '.join(map(str, m if isinstance(m, list) else [m]))}"
                         for field, m in problem.normalized_messages().items())
    data = getattr(problem, "data", None) or {}
    return data.get("message") or problem.description or "refused"


def _checked_lines(text: str, report: Report, import_id: int) -> list[tuple[int, dict]]:
    """The lines that pass every check alone, with their line numbers (the header is line 1)."""
    reader = csv.DictReader(io.StringIO(text))
    schema, accepted, redis = TransactionCreateSchema(), [], get_redis()
    for number, row in enumerate(reader, start=2):
        if number % PROGRESS_EVERY == 0:
            redis.set(progress_key(import_id), number - 1, ex=PROGRESS_TTL)
        given = {name: (row.get(name) or "").strip() for name in FIELDS}
        try:
            values = schema.load({name: value for name, value in given.items() if value})
            values.update(checked_target(values))
        except (ValidationError, HTTPException) as problem:
            report.reject(number, _reason(problem))
            continue
        accepted.append((number, values))
    return accepted


def _apply(portfolio: Portfolio, lines: list[tuple[int, dict]], report: Report) -> int:
    """Add the lines that are not duplicates, refusing whole positions left short; how many went in."""
    seen = {fingerprint({name: getattr(t, name) for name in FIELDS}) for t in portfolio.transactions()}
    room = service.TRANSACTIONS_MAX - len(seen)
    fresh = []
    for number, values in lines:
        key = fingerprint(values)
        if key in seen:
            report.duplicates += 1
        elif len(fresh) >= room:
            report.reject(number, f"The portfolio would hold over {service.TRANSACTIONS_MAX} transactions.")
        else:
            seen.add(key)
            fresh.append((number, PortfolioTransaction(portfolio_id=portfolio.id,
                                                       **{k: values.get(k) for k in FIELDS})))
    db.session.add_all([t for _, t in fresh])
    db.session.flush()
    history, kept = portfolio.transactions(), 0
    for position in {(t.coin_id, t.symbol, t.currency) for _, t in fresh}:
        mine = [(n, t) for n, t in fresh if (t.coin_id, t.symbol, t.currency) == position]
        short = service.short_at(portfolio, [t for t in history if service.same_position(t, mine[0][1])])
        if short is None:
            kept += len(mine)
            continue
        why = (f"The position would go short: {short.held.normalize():f} held when "
               f"{short.wanted.normalize():f} are removed; none of its lines were imported.")
        for number, transaction in mine:
            report.reject(number, why)
            db.session.delete(transaction)
    return kept




@shared_task(name="cmc.imports.import_csv", soft_time_limit=240, time_limit=300)
def import_csv(import_id: int) -> str:
    job = import_jobs.claim(db.session, PortfolioImport, import_id)
    if job is None:
        return "skipped"  # finished before, or running in another worker
    portfolio = db.session.scalar(select(Portfolio).where(Portfolio.id == job.portfolio_id).with_for_update())
    report = Report()
    try:
        job.imported = _apply(portfolio, _checked_lines(job.csv_text, report, import_id), report)
    except Exception as exc:
        import_jobs.fail(db.session, PortfolioImport, import_id, exc)
        return "failed"
    job.duplicates, job.rejected_count = report.duplicates, report.count
    job.rejected = sorted(report.rejected, key=lambda entry: entry["line"])
    job.status, job.finished_at = "done", datetime.now(UTC)
    portfolio.touch()
    db.session.commit()
    get_redis().delete(progress_key(import_id))
    return "done"
