"""``GET /api/v1/me`` on every non-auth subsystem: its local replica of the signed-in user.

The row normally comes from the Redis copy of the replica, read in the session check's own round
trip (no PostgreSQL); a miss reads PostgreSQL and fills the copy (axa/models/replica.py).
"""
from __future__ import annotations

import importlib

from flask import current_app, jsonify
from flask_smorest import abort

from axa.blueprints.replica.me.schemas import ReplicaUserSchema
from axa.models import replica
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session, unauthorized

blp = Blueprint("me", __name__, url_prefix="/api/v1/me",
                description="This subsystem's replica of the signed-in user")


def read_replica_row(pipe, session_key: str) -> None:
    """The caller's cached replica row, queued on the session check's round trip."""
    replica.queue_row(pipe, session_key, current_app.config["AXA_SUBSYSTEM"])


def replica_user(user_id: int, cached: list | None) -> dict | None:
    """The row as JSON types (``synced_at`` its ISO text), from the cache, else from PostgreSQL
    (which fills the cache)."""
    found = replica.from_cache(cached)
    if found is not None:
        return found
    models = importlib.import_module(f"axa.models.{current_app.config['AXA_SUBSYSTEM']}")
    found = models.User.read_through(user_id)
    if found is not None:
        found["synced_at"] = found["synced_at"].isoformat()
    return found


@blp.route("", methods=["GET"])
@blp.login_required(reads=read_replica_row)
@blp.response(200, ReplicaUserSchema)
@blp.alt_response(404, description="The user has not reached this subsystem yet")
def me(reads: list):
    """The signed-in user as this subsystem knows it"""
    user = replica_user(current_session().user_id, reads[0])
    if user is None:
        abort(404, message="User not yet synced to this subsystem; retry in a moment.")
    if user["status"] != "active":
        unauthorized()
    # already ReplicaUserSchema's JSON (the spec tests hold it): marshmallow's dump of it cost
    # 0.04 of bench.auth_me's ratio (0.855 -> 0.895 without it)
    return jsonify(user)
