"""Comments as RealWorld sends and takes them."""
from __future__ import annotations

from marshmallow import Schema, fields

from axa.blueprints.socweb.conduit.schemas import ConduitProfileSchema, RequestSchema, text
from axa.models.socweb.comments import BODY_MAX
from axa.platform.fields import Timestamp


class ConduitCommentSchema(Schema):
    id = fields.Integer(required=True)
    createdAt = Timestamp(required=True)
    updatedAt = Timestamp(required=True)
    body = fields.String(required=True)
    author = fields.Nested(ConduitProfileSchema, required=True)


class ConduitSingleCommentSchema(Schema):
    comment = fields.Nested(ConduitCommentSchema, required=True)


class ConduitMultipleCommentsSchema(Schema):
    comments = fields.List(fields.Nested(ConduitCommentSchema), required=True,
                           metadata={"description": "Newest first (the newest 500)"})


class ConduitNewCommentSchema(RequestSchema):
    body = text(required=True, max_length=BODY_MAX)


class ConduitNewCommentRequestSchema(RequestSchema):
    comment = fields.Nested(ConduitNewCommentSchema, required=True)
