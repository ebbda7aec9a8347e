"""``GET /api/v1/me`` on every non-auth subsystem: its local replica of the signed-in user.

The row normally comes from the Redis copy of the replica, fetched by the session check itself
(one Redis round trip, no PostgreSQL); a miss reads PostgreSQL and fills the copy
(axa/models/replica.py).
"""
from __future__ import annotations

import importlib

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from axa.blueprints.replica.me.schemas import ReplicaUserSchema
from axa.models.replica import from_cache
from axa.platform.auth_hook import current_session, login_required, ridden, with_replica_user

blp = Blueprint("me", __name__, url_prefix="/api/v1/me",
                description="This subsystem's replica of the signed-in user")


def replica_user(user_id: int) -> dict | None:
    cached = from_cache(ridden())
    if cached is not None:
        return cached
    module = importlib.import_module(f"axa.models.{current_app.config['AXA_SUBSYSTEM']}")
    return module.User.read_through(user_id)


@blp.route("")
class Me(MethodView):
    @with_replica_user
    @login_required
    @blp.response(200, ReplicaUserSchema)
    @blp.alt_response(404, description="The user has not reached this subsystem yet")
    def get(self):
        """The signed-in user as this subsystem knows it"""
        user = replica_user(current_session().user_id)
        if user is None:
            abort(404, message="User not yet synced to this subsystem; retry in a moment.")
        if user["status"] != "active":
            abort(401, message="Authentication required.")
        return user
