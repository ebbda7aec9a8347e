"""Schemas of a channel's recording setting and its VODs (axa/models/stream/vods.py)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from axa.models.stream.vod_settings import RETENTION_MAX
from axa.models.stream.vods import STATES
from axa.platform.fields import Timestamp

PARTS_RULE = ("A reconnect inside the window makes a second recording of the same live session: "
              "it is the session's next part (parts are kept apart, each playable alone)")


class RecordingSchema(Schema):
    recording = fields.Boolean(required=True, metadata={
        "description": "Whether each live session of the channel becomes a VOD"})
    retention_days = fields.Integer(required=True, validate=validate.Range(min=1, max=RETENTION_MAX),
                                    metadata={"description": "Days a VOD is kept after its recording "
                                                             f"started (1 to {RETENTION_MAX}), then deleted"})


class VodSchema(Schema):
    id = fields.Integer()
    channel = fields.String(metadata={"description": "The channel's slug"})
    session_id = fields.Integer(allow_none=True, metadata={"description": "The live session recorded"})
    part = fields.Integer(metadata={"description": PARTS_RULE})
    state = fields.String(metadata={"enum": list(STATES), "description": (
        "`processing` (only its owner sees it), `ready`, or `failed` (only its owner sees it, with a "
        "`reason`)")})
    reason = fields.String(allow_none=True, metadata={"description": (
        "Why it failed: `unreadable_recording`, `empty_recording`, `no_thumbnail`, `recording_missing`, "
        "`storage_unavailable`, `tool_missing`; null otherwise")})
    detail = fields.String(allow_none=True, metadata={"description": "A line about the failure"})
    recorded_at = Timestamp(metadata={"description": "When the recording started"})
    duration_ms = fields.Integer(allow_none=True, metadata={"description": "Length in ms (ffprobe)"})
    size_bytes = fields.Integer(allow_none=True, metadata={"description": "Size of the MP4"})
    playback_url = fields.String(allow_none=True, metadata={"description": (
        "The MP4 (H.264/AAC as published, index first): this app's file route or the bucket's URL "
        "(pre-signed ones expire); null until ready")})
    thumbnail_url = fields.String(allow_none=True, metadata={"description": "A JPEG frame; null until ready"})
    expires_at = Timestamp(metadata={"description": "When the retention sweep deletes it"})
    created_at = Timestamp()
    ready_at = Timestamp(allow_none=True)
