"""Schemas of the recommendations."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from axa.blueprints.stream.channels.schemas import ChannelSchema
from axa.models.stream.recommendations import REASON_CODES
from axa.platform.fields import Timestamp

REASONS = ("`co_subscribed` (channels you follow are followed by its viewers), `watched` (you watched it), "
           "`shared_tags` (its tags are those of channels you follow or watch), `popular` (watched most now: "
           "anonymous callers, and users with no list computed yet)")


class RecommendationQuerySchema(Schema):
    after = fields.Integer(validate=validate.Range(min=1, max=1000), metadata={
        "description": "The rank after which the next page starts, as the `Link` header gives it"})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=40),
                           metadata={"description": "Page size (default 20)"})


class RecommendationSchema(Schema):
    rank = fields.Integer(metadata={"description": "1 first"})
    reason_code = fields.String(metadata={"description": REASONS, "enum": list(REASON_CODES)})
    reason = fields.String(metadata={"description": "Why, in words (e.g. \"3 channels you follow are "
                                                    "followed by its viewers\")"})
    computed_at = Timestamp(allow_none=True, metadata={"description": "When the list was computed (null: "
                                                                      "`popular`, computed now)"})
    channel = fields.Nested(ChannelSchema, metadata={"description": "Live or upcoming, as its page shows it"})
