"""Profiles: the signed-in user's own (read, choose a username, bio, avatar URL) and anyone's by
username, with the viewer's ``following`` / ``followed_by``.

``GET /api/v1/profiles/{username}`` takes an optional session (axa.platform.auth_hook
``optional_session``): signed in, the flags are the viewer's and ``posts_count`` counts the
subscriber-only posts the viewer may see; anonymous, or with a session that is no longer live,
the flags are false and only public posts count. A disabled or deleted user has no profile (404).
"""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.socweb.profiles import service
from axa.blueprints.socweb.profiles.schemas import (
    OPTIONAL_SESSION,
    OwnProfileSchema,
    ProfileSchema,
    ProfileUpdateSchema,
    username_parameter,
)
from axa.platform.api import Blueprint

blp = Blueprint("profiles", __name__, url_prefix="/api/v1",
                description="Profiles: your own, and anyone's by username")
LOOKUP = username_parameter("Any case; 404 unless an active user holds it")


@blp.route("/profile")
class OwnProfile(MethodView):
    @blp.login_required
    @blp.response(200, OwnProfileSchema)
    @blp.alt_response(404, description="The user has not reached this subsystem yet")
    def get(self):
        """My profile (made on first use), with a suggested username until I choose one"""
        return service.own(service.signed_in_user())

    @blp.login_required
    @blp.arguments(ProfileUpdateSchema, description="Only the fields to change")
    @blp.response(200, OwnProfileSchema)
    @blp.alt_response(404, description="The user has not reached this subsystem yet")
    @blp.alt_response(409, description="The username is taken")
    def patch(self, changes):
        """Choose or change my username (any case; stored in lower case), bio or avatar URL"""
        user = service.signed_in_user()
        service.update(user, changes)
        return service.own(user)


@blp.route("/profiles/<username>", parameters=[LOOKUP])
class ProfileByUsername(MethodView):
    @blp.doc(security=OPTIONAL_SESSION)
    @blp.response(200, ProfileSchema)
    @blp.alt_response(404, description="No active user has this username")
    def get(self, username):
        """Anyone's profile by username (any case); signed in, with `following` and `followed_by`"""
        return service.profile_of(service.by_username(username).user_id, service.current_viewer_id())
