"""Subscriptions (follows): subscribe and unsubscribe by username (idempotent; each answers the
author's profile with the viewer's flags), my subscriptions, and any profile's subscribers and
subscriptions. Lists are keyset pages over the subscription (newest first, ``Link`` header) and
leave out users who are no longer active; the profile lists take an optional session, as
``GET /api/v1/profiles/{username}`` does (axa/blueprints/socweb/profiles/routes.py)."""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.socweb.profiles.schemas import OPTIONAL_SESSION, ProfileSchema, username_parameter
from axa.blueprints.socweb.profiles.service import (
    by_username,
    current_viewer_id,
    profile_of,
    signed_in_user,
)
from axa.blueprints.socweb.subscriptions import service
from axa.platform.api import Blueprint
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, link_header

blp = Blueprint("subscriptions", __name__, url_prefix="/api/v1",
                description="Subscriptions (follows): subscribe, unsubscribe, who follows whom")
LOOKUP = username_parameter("Any case; 404 unless an active user holds it")
TARGET = username_parameter("The author, any case; 404 unless an active user holds it; yourself: 422")
YOURSELF = "The username is your own: you cannot subscribe to yourself"
NOT_SYNCED = "The user has not reached this subsystem yet"


@blp.route("/subscriptions")
class MySubscriptions(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, ProfileSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description=NOT_SYNCED)
    def get(self, args):
        """The users I subscribe to, newest subscription first"""
        user = signed_in_user()
        page = service.subscriptions_page(user.id, args)
        return service.subscriptions(page, user.id), link_header(page)


@blp.route("/subscriptions/<username>", parameters=[TARGET])
class SubscriptionTo(MethodView):
    @blp.login_required
    @blp.idempotent
    @blp.response(200, ProfileSchema)
    @blp.alt_response(404, description="No active user has this username")
    @blp.alt_response(422, description=YOURSELF)
    def post(self, username):
        """Subscribe to a user (idempotent): their profile, `following` true"""
        user, author = signed_in_user(), by_username(username)
        service.subscribe(user, author)
        return profile_of(author.user_id, user.id)

    @blp.login_required
    @blp.response(200, ProfileSchema)
    @blp.alt_response(404, description="No active user has this username")
    @blp.alt_response(422, description=YOURSELF)
    def delete(self, username):
        """Unsubscribe from a user (idempotent): their profile, `following` false"""
        user, author = signed_in_user(), by_username(username)
        service.unsubscribe(user, author)
        return profile_of(author.user_id, user.id)


@blp.route("/profiles/<username>/subscribers", parameters=[LOOKUP])
class Subscribers(MethodView):
    @blp.doc(security=OPTIONAL_SESSION)
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, ProfileSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description="No active user has this username")
    def get(self, args, username):
        """A user's subscribers, newest subscription first"""
        page = service.subscribers_page(by_username(username).user_id, args)
        return service.subscribers(page, current_viewer_id()), link_header(page)


@blp.route("/profiles/<username>/subscriptions", parameters=[LOOKUP])
class Subscriptions(MethodView):
    @blp.doc(security=OPTIONAL_SESSION)
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, ProfileSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description="No active user has this username")
    def get(self, args, username):
        """The users a user subscribes to, newest subscription first"""
        page = service.subscriptions_page(by_username(username).user_id, args)
        return service.subscriptions(page, current_viewer_id()), link_header(page)
