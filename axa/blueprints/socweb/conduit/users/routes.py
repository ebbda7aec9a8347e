"""Conduit accounts: register and log in (through the auth server), the current user, its update."""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.socweb.conduit import accounts, sessions
from axa.blueprints.socweb.conduit.blueprint import ConduitBlueprint
from axa.blueprints.socweb.conduit.users.schemas import (
    ConduitLoginUserRequestSchema,
    ConduitNewUserRequestSchema,
    ConduitUpdateUserRequestSchema,
    ConduitUserResponseSchema,
)
from axa.models.socweb import Profile, User, db

blp = ConduitBlueprint("conduit_users", __name__,
                       description="RealWorld Conduit: register, log in, the current user")


def user_object(user_id: int, token: str) -> dict:
    user, profile = db.session.get(User, user_id), db.session.get(Profile, user_id)
    return {"user": {"email": user.email, "token": token, "username": profile.username,
                     "bio": profile.bio, "image": profile.image}}


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(ConduitNewUserRequestSchema)
    @blp.response(201, ConduitUserResponseSchema)
    @blp.fails(422, 429, 503, _422="A field is blank or invalid, or the username or email is taken",
               _429="Too many registrations; see Retry-After", _503="The auth server is unavailable")
    def post(self, data):
        """Register: a platform account (a confirmation link is mailed), signed in at once"""
        new = data["user"]
        token, user_id = accounts.register(new["username"], new["email"], new["password"])
        return user_object(user_id, token)


@blp.route("/users/login")
class Login(MethodView):
    @blp.arguments(ConduitLoginUserRequestSchema)
    @blp.response(200, ConduitUserResponseSchema)
    @blp.fails(401, 422, 429, 503, _401="Wrong email or password, or a disabled account",
               _429="Too many attempts; see Retry-After", _503="The auth server is unavailable")
    def post(self, data):
        """Log in with the platform account's email and password"""
        token, user_id = accounts.login(data["user"]["email"], data["user"]["password"])
        return user_object(user_id, token)


@blp.route("/user")
class CurrentUser(MethodView):
    @blp.token_required
    @blp.response(200, ConduitUserResponseSchema)
    def get(self):
        """The signed-in user (given a username from their display name if they had none)"""
        user, _ = accounts.current()
        return user_object(user.id, sessions.presented_token())

    @blp.token_required
    @blp.arguments(ConduitUpdateUserRequestSchema)
    @blp.response(200, ConduitUserResponseSchema)
    @blp.fails(422)
    def put(self, data):
        """Update username, bio, image (email and password stay with the auth server)"""
        user, profile = accounts.current()
        accounts.update(user, profile, data["user"])
        return user_object(user.id, sessions.presented_token())
