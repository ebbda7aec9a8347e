"""CSV imports of a portfolio's transactions: the upload answers at once with a job, worked by
``cmc.imports.import_csv`` (axa/tasks/cmc/imports.py, which says how lines are read, checked and
deduplicated); the job's page shows its progress, then its report."""
from __future__ import annotations

import csv
import io

from flask import request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields

from axa.blueprints.cmc.portfolios import service
from axa.blueprints.market.schemas import ID
from axa.models.cmc import PortfolioImport, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.fields import Timestamp
from axa.platform.redis_client import get_redis
from axa.tasks.cmc.imports import import_csv, progress_key

blp = Blueprint("portfolio_imports", __name__, url_prefix="/api/v1",
                description="Portfolio CSV imports (a Celery job with a report)")
LINES_MAX = 10_000
NEEDED = {"kind", "quantity", "executed_at"}
CSV_BODY = {"required": True, "description": (
    "RFC 4180 CSV, UTF-8, a header line naming the columns (those of the export: `executed_at`, "
    "`kind`, `coin_id` or `symbol`, `quantity`, and optionally `price`, `fee`, `currency`, `note`; "
    f"others ignored), then at most {LINES_MAX} lines. Not UTF-8, no header, a column missing, or "
    "more lines: 422"), "content": {"text/csv": {"schema": {"type": "string"}}}}


class RejectedLineSchema(Schema):
    line = fields.Integer(required=True, metadata={"description": "Its number in the file (the header is 1)"})
    reason = fields.String(required=True)


class ImportSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["queued", "running", "done", "failed"]})
    lines = fields.Integer(required=True, metadata={"description": "Data lines in the file"})
    processed = fields.Integer(required=True, metadata={"description": "Lines read so far"})
    imported = fields.Integer(required=True)
    duplicates = fields.Integer(required=True, metadata={
        "description": "Lines equal to a transaction already there or to an earlier line: skipped"})
    rejected_count = fields.Integer(required=True)
    rejected = fields.List(fields.Nested(RejectedLineSchema), required=True, metadata={
        "description": "The first 200 rejected lines, with why"})
    error = fields.String(required=True, allow_none=True)
    created_at = Timestamp(required=True)
    finished_at = Timestamp(required=True, allow_none=True)


def present(job: PortfolioImport) -> dict:
    finished = job.status in ("done", "failed")
    processed = job.lines if finished else int(get_redis().get(progress_key(job.id)) or 0)
    return {**{name: getattr(job, name) for name in ("id", "status", "lines", "imported", "duplicates",
                                                      "rejected_count", "rejected", "error", "created_at",
                                                      "finished_at")}, "processed": processed}


def _unprocessable(problem: str) -> None:
    abort(422, message=problem, errors={"body": {"_schema": [problem]}})


def checked_csv() -> tuple[str, int]:
    """The upload's text and its number of data lines; 415 not CSV, 422 what the body says."""
    if request.mimetype != "text/csv":
        abort(415, message="Send the file as text/csv.")
    try:
        text = request.get_data().decode("utf-8-sig")
    except UnicodeDecodeError:
        _unprocessable("The file is not UTF-8 text.")
    if "\x00" in text:
        _unprocessable("The file holds NUL characters.")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        _unprocessable(f"The file is not CSV: {exc}.")
    header = {name.strip() for name in rows[0]} if rows else set()
    missing = sorted(NEEDED - header) + ([] if header & {"coin_id", "symbol"} else ["coin_id or symbol"])
    if missing:
        _unprocessable("The header line lacks: " + ", ".join(missing) + ".")
    lines = sum(1 for row in rows[1:] if any(cell.strip() for cell in row))
    if lines > LINES_MAX:
        _unprocessable(f"At most {LINES_MAX} lines at once.")
    return text, lines


@blp.route(f"/portfolios/<{ID}:portfolio_id>/imports")
class Imports(MethodView):
    @blp.login_required
    @blp.doc(requestBody=CSV_BODY)
    @blp.response(202, ImportSchema)
    @blp.alt_response(404, description="No such portfolio of yours")
    @blp.alt_response(409, description="The portfolio copies a paper account's fills (`paper_linked`)")
    @blp.alt_response(415, description="The body is not text/csv")
    @blp.alt_response(422, description="Not UTF-8 text, not CSV, a column missing, or too many lines")
    def post(self, portfolio_id):
        """Import transactions from a CSV file: a job (poll it for progress and its report)"""
        portfolio = service.owned_or_404(current_session().user_id, portfolio_id)
        service.writable(portfolio)
        text, lines = checked_csv()
        job = PortfolioImport(portfolio_id=portfolio.id, status="queued", csv_text=text, lines=lines,
                              imported=0, duplicates=0, rejected_count=0, rejected=[])
        db.session.add(job)
        db.session.commit()
        import_csv.delay(job.id)
        return present(job)


@blp.route(f"/portfolios/<{ID}:portfolio_id>/imports/<{ID}:import_id>")
class ImportById(MethodView):
    @blp.login_required
    @blp.response(200, ImportSchema)
    @blp.alt_response(404, description="No such portfolio of yours, or no such import of it")
    def get(self, portfolio_id, import_id):
        """An import's progress, then its report"""
        portfolio = service.owned_or_404(current_session().user_id, portfolio_id)
        job = db.session.get(PortfolioImport, import_id)
        if job is None or job.portfolio_id != portfolio.id:
            abort(404, message="This portfolio has no such import.")
        return present(job)
