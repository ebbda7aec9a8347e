"""Schemas of the viewer heartbeat and the live-now list."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

TOKEN_PATTERN = r"^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{16}$"
CURSOR_PATTERN = r"^[0-9]{1,10}\.[0-9]{1,19}$"


class HeartbeatSchema(Schema):
    viewer_token = fields.String(allow_none=True, validate=validate.Regexp(TOKEN_PATTERN), metadata={
        "description": "Anonymous players: the token the previous answer handed out (absent or null on "
                       "the first beat: a new one is handed out). Ignored when signed in: the user is the "
                       "viewer."})


class HeartbeatAnswerSchema(Schema):
    viewers = fields.Integer(metadata={"description": "Current viewers of the channel, this one included"})
    viewer_token = fields.String(allow_none=True, metadata={
        "description": "Anonymous: the token to send with every later beat (null when signed in)"})
    interval = fields.Float(metadata={
        "description": "Seconds until the next beat (AXA_STREAM_HEARTBEAT_INTERVAL); a viewer silent for "
                       "AXA_STREAM_VIEWER_TTL stops counting"})


class LiveQuerySchema(Schema):
    after = fields.String(validate=validate.Regexp(CURSOR_PATTERN), metadata={
        "description": "The cursor of the next page, as the `Link` header gives it "
                       "(`<viewers>.<channel id>`)"})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=40),
                           metadata={"description": "Page size (default 20)"})


LIVE_ORDER = ("Most viewers first (the counts of the last sample, taken every 10 s; "
              "`viewers` shows the same count), then newest channel first")
