"""Conduit profiles: read one, follow and unfollow (a follow is a socweb subscription)."""
from __future__ import annotations

import re

from flask.views import MethodView
from flask_smorest import abort

from axa.blueprints.socweb.conduit import accounts, presenter, sessions, writes
from axa.blueprints.socweb.conduit.blueprint import ConduitBlueprint
from axa.blueprints.socweb.conduit.schemas import USERNAME, ConduitProfileResponseSchema
from axa.models.socweb import Profile, blocks
from axa.models.socweb.reading import authors

blp = ConduitBlueprint("conduit_profiles", __name__, description="RealWorld Conduit: profiles and follows")
USERNAME_PARAMETER = {"in": "path", "name": "username", "description": (
    "Username (any case). Unknown, or a user no longer active: 404; following yourself: 422")}


def profile_of(username: str) -> Profile:
    """The profile, unless unknown, not active, or blocked either way with the caller: 404."""
    found = Profile.by_username(username) if re.fullmatch(USERNAME, username) else None
    viewer = sessions.viewer_id() if found is not None else None
    if found is None or (viewer not in (None, found.user_id) and blocks.between(viewer, found.user_id)):
        abort(404, errors={"profile": ["not found"]})
    return found


def profile_object(user_id: int) -> dict:
    viewer = sessions.viewer_id()
    return {"profile": presenter.profile(authors({user_id}, viewer)[user_id])}


@blp.route("/profiles/<username>", parameters=[USERNAME_PARAMETER])
class Profiles(MethodView):
    @blp.token_optional
    @blp.response(200, ConduitProfileResponseSchema)
    @blp.fails(404)
    def get(self, username):
        """A user's profile (`following`: whether the signed-in caller follows them)"""
        return profile_object(profile_of(username).user_id)


@blp.route("/profiles/<username>/follow", parameters=[USERNAME_PARAMETER])
class Follow(MethodView):
    @blp.token_required
    @blp.response(200, ConduitProfileResponseSchema)
    @blp.fails(404, 422)
    def post(self, username):
        """Follow a user (idempotent; a request body is ignored)"""
        user, _ = accounts.current()
        author = profile_of(username).user_id
        writes.follow(user.id, author)
        return profile_object(author)

    @blp.token_required
    @blp.response(200, ConduitProfileResponseSchema)
    @blp.fails(404)
    def delete(self, username):
        """Unfollow a user (idempotent)"""
        user, _ = accounts.current()
        author = profile_of(username).user_id
        writes.unfollow(user.id, author)
        return profile_object(author)
