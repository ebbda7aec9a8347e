"""Schemas of a channel's live sessions (axa/models/stream/live.py)."""
from __future__ import annotations

from marshmallow import Schema, fields

from axa.models.stream.live import END_REASONS
from axa.platform.fields import Timestamp


class LiveSessionSchema(Schema):
    id = fields.Integer()
    started_at = Timestamp(metadata={"description": "The first publish"})
    ended_at = Timestamp(allow_none=True, metadata={
        "description": "When the stream stopped for good (null: the channel is live now)"})
    end_reason = fields.String(allow_none=True, metadata={
        "description": f"Why it ended: {', '.join(f'`{r}`' for r in END_REASONS)} (the stream stopped and "
                       "did not come back within the reconnect window); null while live",
        "enum": [*END_REASONS, None]})
    reconnects = fields.Integer(metadata={"description": "Times the stream dropped and came back in time"})
    peak_viewers = fields.Integer(metadata={"description": "Most viewers at once (0: not counted yet)"})
    avg_viewers = fields.Integer(metadata={"description": "Average viewers (0: not counted yet)"})
