"""Schemas of the stream keys: the key as listed (never its secret), and a new key with its
secret, shown once."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from axa.blueprints.market.schemas import PLAIN
from axa.blueprints.stream.channels.schemas import unicode_text
from axa.models.stream.keys import LABEL_MAX
from axa.platform.fields import Timestamp


class KeyCreateSchema(Schema):
    label = fields.String(required=True, validate=[validate.Length(min=1, max=LABEL_MAX), PLAIN,
                                                   unicode_text],
                          metadata={"description": f"1 to {LABEL_MAX} characters, e.g. `OBS at home`"})


class RotateSchema(Schema):
    grace_seconds = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1), metadata={
        "description": "How long the old key keeps working (default 0: it stops at once); more than "
                       "AXA_STREAM_KEY_GRACE_MAX is cut to it"})


class KeySchema(Schema):
    id = fields.Integer()
    label = fields.String()
    prefix = fields.String(metadata={"description": "The secret's first characters, to tell keys apart"})
    created_at = Timestamp()
    expires_at = Timestamp(allow_none=True, metadata={
        "description": "When a rotated key stops (its grace period); null: until revoked or rotated"})


class NewKeySchema(KeySchema):
    key = fields.String(metadata={"description": "The secret to configure in the streaming software. "
                                                 "Shown only now: it is stored as a hash"})


class RotatedKeySchema(NewKeySchema):
    previous_key_stops_at = Timestamp(metadata={"description": "When the rotated-out key stops"})
