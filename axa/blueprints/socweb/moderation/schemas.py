"""Blocks, mutes and reports: bodies and answers."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from axa.blueprints.socweb.profiles.schemas import ProfileSchema, plain_text
from axa.models.socweb.blocks import COMMENT_MAX, REPORT_ACTIONS, REPORT_CATEGORIES, REPORT_STATES
from axa.platform.fields import Timestamp
from axa.platform.keyset import ID_MAX, KeysetQuerySchema

MUTE_MAX = 365 * 86400


class MuteBodySchema(Schema):
    duration = fields.Integer(allow_none=True, validate=validate.Range(min=60, max=MUTE_MAX), metadata={
        "description": f"Seconds (60 to {MUTE_MAX}); null or absent: until undone"})


class BlockSchema(Schema):
    profile = fields.Nested(ProfileSchema, required=True)
    created_at = Timestamp(required=True)


class MuteSchema(BlockSchema):
    expires_at = Timestamp(required=True, allow_none=True, metadata={"description": "Null: until undone"})


class NewReportSchema(Schema):
    post_id = fields.Integer(validate=validate.Range(min=1, max=ID_MAX), metadata={
        "description": "A post you can see (else 404); give this or `username` (both or neither: 422)"})
    username = fields.String(validate=validate.Length(min=1, max=30), metadata={
        "description": "A profile; give this or `post_id` (both or neither: 422); your own: 422"})
    category = fields.String(required=True, validate=validate.OneOf(REPORT_CATEGORIES))
    comment = fields.String(validate=[validate.Length(max=COMMENT_MAX), plain_text], metadata={
        "description": f"Up to {COMMENT_MAX} characters; NUL characters or lone surrogates: 422"})


class ReportSchema(Schema):
    id = fields.Integer(required=True)
    post_id = fields.Integer(required=True, allow_none=True)
    user_id = fields.Integer(required=True, metadata={"description": "The reported user"})
    category = fields.String(required=True)
    comment = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, metadata={"enum": list(REPORT_STATES)})
    created_at = Timestamp(required=True)


class AdminReportSchema(ReportSchema):
    reporter_id = fields.Integer(required=True)
    action = fields.String(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True)
    resolved_by = fields.Integer(required=True, allow_none=True)
    resolved_at = Timestamp(required=True, allow_none=True)


class ReportQuerySchema(KeysetQuerySchema):
    status = fields.String(load_default="open", validate=validate.OneOf(REPORT_STATES),
                           metadata={"description": "Which reports (default `open`)"})


class ResolveSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(REPORT_ACTIONS), metadata={
        "description": "`remove_post` (a report of a post only, else 422), `disable_account` (through "
                       "the auth server), `dismiss`"})
    note = fields.String(validate=[validate.Length(max=COMMENT_MAX), plain_text],
                         metadata={"description": "NUL characters or lone surrogates: 422"})
