"""Notifications (made by the ``socweb.notify`` tasks): the list, keyset paged and filtered by
type, the grouped form (likes of one post together), the unread count and read marker,
dismissal, the mail preferences and the unsubscribe link of a mail (no sign-in: a signed token)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort

from axa.blueprints.market.schemas import ID
from axa.blueprints.socweb.notifications import service
from axa.blueprints.socweb.notifications.schemas import (
    NotificationGroupSchema,
    NotificationQuerySchema,
    NotificationSchema,
    PreferencesPatchSchema,
    PreferencesSchema,
    ReadMarkerSchema,
    UnreadCountSchema,
    UnsubscribedSchema,
    UnsubscribeQuerySchema,
)
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, link_header
from axa.tasks.socweb.mail import read_unsubscribe_token

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="Notifications: subscriptions, likes, comments, mentions and replies")


@blp.route("")
class Notifications(MethodView):
    @blp.login_required
    @blp.arguments(NotificationQuerySchema, location="query")
    @blp.response(200, NotificationSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """Your notifications, newest first"""
        user_id = current_session().user_id
        page = service.page(user_id, args)
        return service.present(page.items, user_id), link_header(page)


@blp.route("/grouped")
class GroupedNotifications(MethodView):
    @blp.login_required
    @blp.arguments(NotificationQuerySchema, location="query")
    @blp.response(200, NotificationGroupSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """Your notifications grouped: the likes of one post as one group

        Groups come newest first by their latest notification, whose id is the keyset
        (`max_id` / `min_id`)."""
        user_id = current_session().user_id
        rows, page = service.grouped(user_id, args)
        return service.present_groups(rows, user_id), link_header(page)


@blp.route("/unread_count")
class UnreadCount(MethodView):
    @blp.login_required
    @blp.response(200, UnreadCountSchema)
    def get(self):
        """How many notifications are past your read marker (up to 1000)"""
        return {"count": service.unread_count(current_session().user_id)}


@blp.route("/read")
class ReadMarker(MethodView):
    @blp.login_required
    @blp.arguments(ReadMarkerSchema)
    @blp.response(200, ReadMarkerSchema)
    def post(self, data):
        """Mark your notifications read up to an id (the marker never moves back)"""
        return {"last_read_id": service.mark_read(current_session().user_id, data["last_read_id"])}


@blp.route("/preferences")
class Preferences(MethodView):
    @blp.login_required
    @blp.response(200, PreferencesSchema)
    def get(self):
        """Your mail preference per notification type, and your time zone for the daily digest"""
        return service.preferences(current_session().user_id)

    @blp.login_required
    @blp.arguments(PreferencesPatchSchema)
    @blp.response(200, PreferencesSchema)
    def patch(self, data):
        """Change your mail preferences: `instant`, `digest` (daily) or `none` per type; your time zone

        The daily digest goes at the same local hour in your time zone, and covers your local day."""
        return service.choose(current_session().user_id, data)


@blp.route("/unsubscribe")
class Unsubscribe(MethodView):
    @blp.arguments(UnsubscribeQuerySchema, location="query")
    @blp.response(200, UnsubscribedSchema)
    @blp.alt_response(400, description="Not a valid unsubscribe token")
    def get(self, args):
        """Stop the mails of one notification type (the link in each mail; no sign-in)"""
        found = read_unsubscribe_token(args["token"])
        if found is None:
            abort(400, message="This unsubscribe link is not valid.")
        user_id, kind = found
        service.choose(user_id, {kind: "none"})
        return {"type": kind, "mode": "none"}


@blp.route(f"/<{ID}:notification_id>")
class NotificationById(MethodView):
    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description="No such notification of yours")
    def delete(self, notification_id):
        """Dismiss a notification"""
        service.dismiss(current_session().user_id, notification_id)
