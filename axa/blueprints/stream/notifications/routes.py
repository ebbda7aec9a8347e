"""In-app notifications of the stream app (issue 11 item 7): a go-live notice per live session of
each channel I subscribe to (axa/tasks/stream/notify.py), newest first; a read marker (every
notification up to an id is read) and the unread count; the preference for go-live mail."""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.stream.notifications.schemas import (
    NotificationSchema,
    PreferencesPatchSchema,
    PreferencesSchema,
    ReadSchema,
    UnreadSchema,
)
from axa.models.stream import Channel, Inbox, Notification, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header

blp = Blueprint("stream_notifications", __name__, url_prefix="/api/v1",
                description="My stream notifications: go-live notices, read marker, mail preference")


def present(notifications: list[Notification], read_up_to: int) -> list[dict]:
    channels = {c.id: c for c in db.session.scalars(
        db.select(Channel).where(Channel.id.in_({n.channel_id for n in notifications})))}
    return [{"id": n.id, "kind": n.kind, "live_session_id": n.live_session_id, "read": n.id <= read_up_to,
             "channel": channels[n.channel_id], "created_at": n.created_at}
            for n in notifications if n.channel_id in channels]  # a channel deleted meanwhile: gone


def unread(user_id: int) -> dict:
    read_up_to = Inbox.of(user_id).read_up_to
    return {"unread": Notification.unread(user_id, read_up_to), "read_up_to": read_up_to}


@blp.route("/notifications")
class Notifications(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, NotificationSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """My notifications, newest first"""
        user_id = current_session().user_id
        page = keyset_page(db.session, Notification.of_user(user_id), Notification.id, args)
        return present(page.items, Inbox.of(user_id).read_up_to), link_header(page)


@blp.route("/notifications/unread")
class Unread(MethodView):
    @blp.login_required
    @blp.response(200, UnreadSchema)
    def get(self):
        """How many of my notifications are unread"""
        return unread(current_session().user_id)


@blp.route("/notifications/read")
class MarkRead(MethodView):
    @blp.login_required
    @blp.arguments(ReadSchema)
    @blp.response(200, UnreadSchema)
    def post(self, data):
        """Mark my notifications read up to an id (default: all); the unread count after"""
        user_id = current_session().user_id
        Inbox.mark_read(user_id, data.get("up_to") or Notification.newest_id(user_id))
        db.session.commit()
        return unread(user_id)


@blp.route("/notifications/preferences")
class Preferences(MethodView):
    @blp.login_required
    @blp.response(200, PreferencesSchema)
    def get(self):
        """My notification preferences"""
        return {"go_live_mail": Inbox.of(current_session().user_id).go_live_mail}

    @blp.login_required
    @blp.arguments(PreferencesPatchSchema)
    @blp.response(200, PreferencesSchema)
    def patch(self, data):
        """Change my notification preferences"""
        user_id = current_session().user_id
        Inbox.set_mail(user_id, data["go_live_mail"])
        db.session.commit()
        return {"go_live_mail": Inbox.of(user_id).go_live_mail}
