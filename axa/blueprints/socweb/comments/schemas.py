"""A comment as the native face sends it, and the body that creates one."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from axa.blueprints.auth.account.schemas import Text
from axa.blueprints.socweb.posts.schemas import SOME_TEXT, AuthorSchema
from axa.models.socweb.comments import BODY_MAX
from axa.platform.fields import Timestamp
from axa.platform.keyset import ID_MAX


class CommentCreateSchema(Schema):
    body = Text(required=True, validate=[validate.Length(max=BODY_MAX), SOME_TEXT],
                metadata={"description": f"Up to {BODY_MAX} characters, not blank"})
    in_reply_to_id = fields.Integer(load_default=None, allow_none=True,
                                    validate=validate.Range(min=1, max=ID_MAX),
                                    metadata={"description": "The comment of the same post this one "
                                                             "answers (another post's, or none: 422)"})


class CommentSchema(Schema):
    id = fields.Integer(required=True)
    post_id = fields.Integer(required=True)
    author = fields.Nested(AuthorSchema, required=True)
    body = fields.String(required=True)
    in_reply_to_id = fields.Integer(required=True, allow_none=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)
