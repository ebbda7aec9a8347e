"""Notifications as the native face sends them, their filters, the read marker and the mail
preferences."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from axa.blueprints.socweb.posts.schemas import AuthorSchema
from axa.models.socweb.digests import DEFAULT_ZONE, ZONE_MAX, known_zones
from axa.models.socweb.notifications import TYPES
from axa.models.socweb.notify_mail import DEFAULTS, MODES
from axa.platform.fields import Timestamp
from axa.platform.keyset import ID_MAX, KeysetQuerySchema

TYPE = fields.String(validate=validate.OneOf(TYPES))
TYPE_DOC = {"enum": list(TYPES)}


class NotificationQuerySchema(KeysetQuerySchema):
    types = fields.List(TYPE, data_key="types[]",
                        metadata={"description": "Only these types (repeat the parameter)"})
    exclude_types = fields.List(TYPE, data_key="exclude_types[]",
                                metadata={"description": "Not these types (repeat the parameter)"})


class PostSummarySchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True, allow_none=True)
    slug = fields.String(required=True, allow_none=True)


class CommentSummarySchema(Schema):
    id = fields.Integer(required=True)
    body = fields.String(required=True)


class NotificationSchema(Schema):
    id = fields.Integer(required=True)
    type = fields.String(required=True, metadata=TYPE_DOC)
    created_at = Timestamp(required=True)
    read = fields.Boolean(required=True, metadata={"description": "At or before your read marker"})
    actor = fields.Nested(AuthorSchema, required=True, metadata={"description": "Who did it"})
    post = fields.Nested(PostSummarySchema, required=True, allow_none=True,
                         metadata={"description": "The post concerned (null for a subscription)"})
    comment = fields.Nested(CommentSummarySchema, required=True, allow_none=True,
                            metadata={"description": "The comment concerned (comment, reply, a "
                                                     "mention in a comment), else null"})


class NotificationGroupSchema(Schema):
    group_key = fields.String(required=True, metadata={"description": "`like-<post id>` for the likes "
                                                                      "of one post, `n-<id>` for one alone"})
    type = fields.String(required=True, metadata=TYPE_DOC)
    notifications_count = fields.Integer(required=True)
    most_recent_notification_id = fields.Integer(required=True, metadata={"description": "The keyset"})
    page_min_id = fields.Integer(required=True, metadata={"description": "The group's oldest notification"})
    latest_at = Timestamp(required=True)
    read = fields.Boolean(required=True, metadata={"description": "Its latest is at or before your marker"})
    actors = fields.List(fields.Nested(AuthorSchema), required=True,
                         metadata={"description": "The latest actors, newest first (at most 3)"})
    post = fields.Nested(PostSummarySchema, required=True, allow_none=True)
    comment = fields.Nested(CommentSummarySchema, required=True, allow_none=True)


class UnreadCountSchema(Schema):
    count = fields.Integer(required=True, metadata={"description": "Unread notifications, up to 1000"})


class ReadMarkerSchema(Schema):
    last_read_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=ID_MAX),
                                  metadata={"description": "Everything up to this id is read (the "
                                                           "marker only moves forward)"})


def _mode(kind: str, required: bool = False):
    return fields.String(required=required, validate=validate.OneOf(MODES),
                         metadata={"description": f"Default `{DEFAULTS[kind]}`", "enum": list(MODES)})


def _known_zone(name: str) -> None:
    if name not in known_zones():
        raise ValidationError("Not an IANA time zone name (such as Europe/Paris).")


ZONE_DOC = (f"Your time zone, an IANA name (default `{DEFAULT_ZONE}`): the daily digest goes at its "
            "hour there, for your local day")


def _zone(required: bool = False):
    description = ZONE_DOC if required else ZONE_DOC + "; a name the time zone database does not know: 422"
    return fields.String(required=required, validate=[validate.Length(min=1, max=ZONE_MAX), _known_zone],
                         metadata={"description": description, "example": "Europe/Paris"})


class PreferencesPatchSchema(Schema):
    """Mail for each type: `instant`, `digest` (daily) or `none`, and your time zone; what is left
    out keeps its value."""
    subscription = _mode("subscription")
    like = _mode("like")
    comment = _mode("comment")
    mention = _mode("mention")
    reply = _mode("reply")
    time_zone = _zone()


class PreferencesSchema(Schema):
    subscription = _mode("subscription", True)
    like = _mode("like", True)
    comment = _mode("comment", True)
    mention = _mode("mention", True)
    reply = _mode("reply", True)
    time_zone = _zone(True)


class UnsubscribeQuerySchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=1000),
                          metadata={"description": "The token of an unsubscribe link in a mail"})


class UnsubscribedSchema(Schema):
    type = fields.String(required=True, metadata=TYPE_DOC)
    mode = fields.String(required=True, metadata={"enum": ["none"]})
