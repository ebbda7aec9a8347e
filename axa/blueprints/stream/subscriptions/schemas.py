"""Schemas of channel subscriptions: a subscription with the channel as its pages show it."""
from __future__ import annotations

from marshmallow import Schema, fields

from axa.blueprints.stream.channels.schemas import ChannelSchema
from axa.platform.fields import Timestamp


class SubscriptionSchema(Schema):
    id = fields.Integer(metadata={"description": "The subscription (the keyset of the list)"})
    subscribed_at = Timestamp()
    channel = fields.Nested(ChannelSchema)
