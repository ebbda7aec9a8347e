"""The moderation queue (admins: an active replica row with the ``admin`` role): list reports,
resolve one by removing the post, disabling the account on the auth server, or dismissing it."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import abort

from axa.blueprints.socweb.moderation import service
from axa.blueprints.socweb.moderation.schemas import AdminReportSchema, ReportQuerySchema, ResolveSchema
from axa.clients.auth.client import AuthUnavailable, client_for
from axa.models.socweb import User, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session, presented_credential
from axa.platform.keyset import ID_MAX, LINK_HEADER, link_header

blp = Blueprint("moderation_admin", __name__, url_prefix="/api/v1/admin",
                description="The moderation queue (admin only)")
REPORT_ID = {"in": "path", "name": "report_id", "description": "A report's id",
             "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}}


def require_admin() -> None:
    user = db.session.get(User, current_session().user_id)
    if user is None or user.status != "active" or "admin" not in (user.roles or "").split(","):
        abort(403, message="Admin role required.")


def admin_required(view):
    return blp.login_required(blp.requires(403, require_admin)(view))


def disable_on_auth(user_id: int) -> None:
    """``PATCH /api/v1/auth/users/{id}`` as this admin's session; the answer's snapshot is applied
    to the replica at once (user sync brings it too). 503 when auth cannot answer or refuses."""
    session_id = presented_credential()[0]
    try:
        answer = client_for(current_app.config["AXA"].auth_url).call(
            "PATCH", f"/api/v1/auth/users/{user_id}", {"status": "disabled"}, session_id=session_id)
    except AuthUnavailable:
        answer = None
    if answer is None or not answer.ok:
        db.session.rollback()
        abort(503, message="The auth server did not disable the account; try again shortly.",
              headers={"Retry-After": "5"})
    User.apply_snapshots([answer.body])


@blp.route("/reports")
class AdminReports(MethodView):
    @admin_required
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, AdminReportSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """Reports by status (default open), newest first"""
        page = service.reports_page(args["status"], args)
        return page.items, link_header(page)


@blp.route("/reports/<int:report_id>/resolve", parameters=[REPORT_ID])
class Resolve(MethodView):
    @admin_required
    @blp.arguments(ResolveSchema)
    @blp.response(200, AdminReportSchema)
    @blp.alt_response(404, description="No such report")
    @blp.alt_response(409, description="Already resolved or dismissed (`report_closed`)")
    @blp.alt_response(503, description="The auth server did not disable the account")
    def post(self, data, report_id):
        """Resolve a report: remove the post, disable the account, or dismiss it"""
        found = service.open_report(report_id)
        if data["action"] == "disable_account":
            disable_on_auth(found.user_id)
        return service.close(found, current_session().user_id, data["action"], data.get("note"))
