"""Schemas of the stream app's in-app notifications, the read marker and the preferences."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from axa.models.stream.notifications import KINDS
from axa.platform.fields import Timestamp
from axa.platform.keyset import ID_MAX


class NotificationChannelSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()


class NotificationSchema(Schema):
    id = fields.Integer(metadata={"description": "Grows with time: the keyset and the read marker"})
    kind = fields.String(metadata={"description": "`go_live`: a channel you subscribe to went live",
                                   "enum": list(KINDS)})
    live_session_id = fields.Integer(metadata={"description": "The live session that started"})
    channel = fields.Nested(NotificationChannelSchema)
    read = fields.Boolean(metadata={"description": "Whether its id is at or below the read marker"})
    created_at = Timestamp()


class UnreadSchema(Schema):
    unread = fields.Integer(metadata={"description": "Notifications newer than the read marker"})
    read_up_to = fields.Integer(metadata={"description": "Every notification up to this id is read "
                                                         "(0: none)"})


class ReadSchema(Schema):
    up_to = fields.Integer(validate=validate.Range(min=1, max=ID_MAX), metadata={
        "description": "Mark read every notification up to this id (default: all of them); the marker "
                       "never moves back"})


class PreferencesSchema(Schema):
    go_live_mail = fields.Boolean(metadata={"description": "Mail me too when a channel I subscribe to goes "
                                                           "live (default false)"})


class JsonBoolean(fields.Boolean):
    """``true`` or ``false`` only (marshmallow's Boolean also takes 0, 1, "yes", "on", ...)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class PreferencesPatchSchema(Schema):
    go_live_mail = JsonBoolean(required=True)
