"""The signed-in user's sessions: list, end one, end all others."""
from __future__ import annotations

from datetime import UTC, datetime

from flask.views import MethodView
from flask_smorest import abort

from axa.blueprints.auth.account.service import current_user
from axa.blueprints.auth.sessions.schemas import SessionSchema
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session, session_store

blp = Blueprint("sessions", __name__, url_prefix="/api/v1/auth/sessions",
                description="The signed-in user's sessions")


def _row(session, current_hash: str) -> dict:
    return {"handle": session.handle, "created": datetime.fromtimestamp(session.created, UTC),
            "last_seen": datetime.fromtimestamp(session.seen, UTC), "ip": session.ip,
            "user_agent": session.user_agent, "current": session.key_hash == current_hash}


@blp.route("")
class Sessions(MethodView):
    @blp.login_required
    @blp.response(200, SessionSchema(many=True))
    def get(self):
        """List my sessions, newest first"""
        me = current_session()
        rows = sorted(session_store().list_for_user(me.user_id), key=lambda s: -s.created)
        return [_row(s, me.key_hash) for s in rows]

    @blp.login_required
    @blp.response(204)
    def delete(self):
        """End every session but this one"""
        user = current_user()
        session_store().end_all(user.id, keep=current_session().key_hash)


@blp.route("/<string:handle>")
class SessionByHandle(MethodView):
    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description="No such session of yours")
    def delete(self, handle):
        """End one of my sessions by its handle"""
        store = session_store()
        me = current_session()
        match = [s for s in store.list_for_user(me.user_id) if s.handle == handle]
        if not match:
            abort(404, message="No such session.")
        store.end(match[0])
