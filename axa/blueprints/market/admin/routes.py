"""Operator endpoints of a market subsystem (stocks, cmc): trigger a dataset refresh, follow runs
and their progress, list datasets and quarantined records. Admins only: the signed-in user's
replica row in this subsystem is active and has the ``admin`` role."""
from __future__ import annotations

from contextlib import contextmanager

from flask.views import MethodView
from flask_smorest import abort
from flask_smorest.pagination import Page

from axa.blueprints.market.admin.schemas import (
    DatasetSchema,
    QuarantinedRecordSchema,
    QuarantineQuerySchema,
    RefreshResultSchema,
    RefreshSchema,
    RunQuerySchema,
    RunSchema,
)
from axa.blueprints.market.controls import SelectionError, controls, progress
from axa.blueprints.market.paging import paged
from axa.blueprints.market.schemas import ID
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session

blp = Blueprint("market_admin", __name__, url_prefix="/api/v1/admin",
                description="Operators: dataset refreshes, ingest runs, quarantine (admin only)")


def require_admin() -> None:
    market = controls()
    user = market.db.session.get(market.user_model, current_session().user_id)
    if user is None or user.status != "active" or "admin" not in (user.roles or "").split(","):
        abort(403, message="Admin role required.")


def admin_required(view):
    """Signed in (401) and an admin in this subsystem's replica (403); both documented."""
    return blp.login_required(blp.requires(403, require_admin)(view))


@contextmanager
def selection_checked(location: str = "json"):
    """An unknown dataset or a selection it cannot take is a 422 naming the known ones."""
    try:
        yield
    except SelectionError as exc:
        abort(422, message=exc.message, errors={location: {exc.field_name: [exc.message]}})


@blp.route("/refresh")
class Refresh(MethodView):
    @admin_required
    @blp.arguments(RefreshSchema)
    @blp.response(202, RefreshResultSchema)
    def post(self, body):
        """Refresh one dataset now (optionally only some symbols, ids or ISINs); returns the run id"""
        with selection_checked():
            return controls().start(body.pop("dataset"), body, trigger="api")


@blp.route("/runs")
class Runs(MethodView):
    @admin_required
    @blp.arguments(RunQuerySchema, location="query")
    @blp.response(200, RunSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Recent ingest runs, newest first, with their progress"""
        with selection_checked("query"):
            stmt = controls().runs(query.get("dataset"))
        session = controls().db.session
        return [progress(run) for run in session.scalars(paged(session, stmt, pagination_parameters))]


@blp.route(f"/runs/<{ID}:run_id>")
class RunById(MethodView):
    @admin_required
    @blp.response(200, RunSchema)
    @blp.alt_response(404, description="No such run")
    def get(self, run_id):
        """One ingest run with its progress"""
        run = controls().run(run_id)
        if run is None:
            abort(404, message="No such run.")
        return progress(run)


@blp.route("/datasets")
class Datasets(MethodView):
    @admin_required
    @blp.response(200, DatasetSchema(many=True))
    @blp.paginate(Page)
    def get(self):
        """The datasets this subsystem refreshes: vendor, schedule, freshness, description"""
        return controls().describe()


@blp.route("/quarantine")
class Quarantine(MethodView):
    @admin_required
    @blp.arguments(QuarantineQuerySchema, location="query")
    @blp.response(200, QuarantinedRecordSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Records that failed validation, newest first"""
        with selection_checked("query"):
            stmt = controls().quarantine(query.get("run_id"), query.get("dataset"))
        session = controls().db.session
        return list(session.scalars(paged(session, stmt, pagination_parameters)))
