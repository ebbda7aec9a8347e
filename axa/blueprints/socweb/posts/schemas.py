"""The native face's post as every read path sends it (posts, feeds, timelines, tags)."""
from __future__ import annotations

from marshmallow import Schema, fields

from axa.platform.fields import Timestamp


class AuthorSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True, allow_none=True,
                             metadata={"description": "null until the user chooses one"})
    display_name = fields.String(required=True)
    bio = fields.String(required=True, allow_none=True)
    image = fields.String(required=True, allow_none=True)
    following = fields.Boolean(required=True, metadata={"description": "The viewer subscribes to them"})


class PostSchema(Schema):
    id = fields.Integer(required=True)
    author = fields.Nested(AuthorSchema, required=True)
    title = fields.String(required=True, allow_none=True)
    slug = fields.String(required=True, allow_none=True,
                         metadata={"description": "From the title; unique among the author's posts"})
    description = fields.String(required=True, allow_none=True)
    body = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    visibility = fields.String(required=True, metadata={"enum": ["public", "subscribers"]})
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)
    edited_at = Timestamp(required=True, allow_none=True)
    likes_count = fields.Integer(required=True)
    comments_count = fields.Integer(required=True)
    liked = fields.Boolean(required=True, metadata={"description": "The viewer likes it"})
    favorited = fields.Boolean(required=True, metadata={"description": "The viewer keeps it as a favorite"})
