"""Broker CSV imports into a diary account: the upload answers at once with a job, worked by
``stocks.diary_imports.import_csv`` (axa/tasks/stocks/diary_imports.py, which says how lines are
read, checked and deduplicated); the job's page shows its progress, then its report, which stays.
The presets' columns: axa/models/stocks/diary_brokers.py."""
from __future__ import annotations

import csv
import io

from flask import request
from flask.views import MethodView
from flask_smorest import abort

from axa.blueprints.market.schemas import ID
from axa.blueprints.stocks.diary import service
from axa.blueprints.stocks.diary.import_schemas import CsvBlueprint, ImportSchema, ImportUploadSchema
from axa.models.stocks import DiaryImport, db
from axa.models.stocks import diary_brokers as brokers
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header
from axa.platform.redis_client import get_redis
from axa.tasks.stocks.diary_imports import import_csv, progress_key

blp = CsvBlueprint("diary_imports", __name__, url_prefix="/api/v1/diary",
                   description="Trader's diary: broker CSV imports (a Celery job with a report)")
FILE_MAX_BYTES = 8 * 1024 * 1024
FORM_OVERHEAD = 64 * 1024  # the other fields and the multipart framing around the file
LINES_MAX = 50_000
NOT_FOUND = "No such diary account of yours"
IMPORT_TEXT = ("A line is an execution when it reads by the preset or mapping; else it is rejected with its "
               "line number and why. A line equal (symbol, side, quantity, price, fee, time) to an earlier "
               "one or to an execution of the account is a duplicate, skipped. Presets, the columns "
               "assumed: " + " ".join(brokers.__doc__.split("(the columns assumed; others are ignored):")[1]
                                      .split()))


@blp.before_request
def _upload_size_limit():
    if request.method == "POST":
        request.max_content_length = FILE_MAX_BYTES + FORM_OVERHEAD


def _unprocessable(problem: str) -> None:
    abort(422, message=problem, errors={"multipart": {"file": [problem]}})


def checked_csv(upload, layout: brokers.Layout) -> tuple[str, int]:
    """The file's text and its number of data lines; 413 too big, 422 what the body says."""
    data = upload.stream.read(FILE_MAX_BYTES + 1)
    if len(data) > FILE_MAX_BYTES:
        abort(413, message=f"The file is over {FILE_MAX_BYTES // (1024 * 1024)} MiB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _unprocessable("The file is not UTF-8 text.")
    if "\x00" in text:
        _unprocessable("The file holds NUL characters.")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        _unprocessable(f"The file is not CSV: {exc}.")
    header = {name.strip() for name in rows[0]} if rows else set()
    missing = [name for name in layout.columns if name not in header]
    if missing:
        _unprocessable("The header line lacks: " + ", ".join(missing) + ".")
    lines = sum(1 for row in rows[1:] if any(cell.strip() for cell in row))
    if lines > LINES_MAX:
        _unprocessable(f"At most {LINES_MAX} lines at once.")
    return text, lines


def present(job: DiaryImport) -> dict:
    finished = job.status in ("done", "failed")
    processed = job.lines if finished else min(job.lines, int(get_redis().get(progress_key(job.id)) or 0))
    names = ("id", "account_id", "status", "preset", "lines", "imported", "duplicates", "rejected_count",
             "rejected", "error", "created_at", "finished_at")
    return {**{name: getattr(job, name) for name in names}, "processed": processed}


@blp.route(f"/accounts/<{ID}:account_id>/imports")
class Imports(MethodView):
    @blp.login_required
    @blp.arguments(ImportUploadSchema, location="multipart")
    @blp.doc(description=IMPORT_TEXT)
    @blp.response(202, ImportSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(409, description="The account mirrors a paper account of the terminal "
                                       "(`read_only_account`)")
    @blp.alt_response(413, description=f"The body is over {FILE_MAX_BYTES // (1024 * 1024)} MiB")
    def post(self, form, account_id):
        """Import executions from a broker's CSV file: a job (poll it for progress and its report)"""
        account = service.owned_or_404(current_session().user_id, account_id)
        service.writable(account)
        mapping = {**form.get("mapping", {}),
                   **({"timezone": form["timezone"]} if "timezone" in form else {})}
        text, lines = checked_csv(form["file"], brokers.layout_of(form["preset"], mapping))
        job = DiaryImport(account_id=account.id, status="queued", preset=form["preset"],
                          mapping=mapping or None, csv_text=text, lines=lines, imported=0, duplicates=0,
                          rejected_count=0, rejected=[])
        db.session.add(job)
        db.session.commit()
        import_csv.delay(job.id)
        return present(job)

    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, ImportSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, account_id):
        """An account's imports, newest first"""
        account = service.owned_or_404(current_session().user_id, account_id)
        stmt = db.select(DiaryImport).where(DiaryImport.account_id == account.id)
        page = keyset_page(db.session, stmt, DiaryImport.id, args)
        return [present(job) for job in page.items], link_header(page)


@blp.route(f"/accounts/<{ID}:account_id>/imports/<{ID}:import_id>")
class ImportById(MethodView):
    @blp.login_required
    @blp.response(200, ImportSchema)
    @blp.alt_response(404, description="No such diary account of yours, or no such import of it")
    def get(self, account_id, import_id):
        """An import's progress, then its report"""
        account = service.owned_or_404(current_session().user_id, account_id)
        job = db.session.get(DiaryImport, import_id)
        if job is None or job.account_id != account.id:
            abort(404, message="This account has no such import.")
        return present(job)
