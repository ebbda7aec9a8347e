"""Search: the query, and the answer's three lists."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from axa.blueprints.socweb.posts.schemas import PostSchema
from axa.blueprints.socweb.profiles.schemas import ProfileSchema
from axa.blueprints.socweb.tags.schemas import TagSchema
from axa.models.socweb.search import BadCursor, Cursor
from axa.platform.keyset import LIMIT_DEFAULT, LIMIT_MAX

TYPES = ("posts", "profiles", "tags")
Q_MAX = 200
CURSOR_MAX = 400


def no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError("NUL characters are not allowed.")


class CursorField(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > CURSOR_MAX:
            raise ValidationError("Not a cursor this search gave.")
        try:
            return Cursor.decode(text)
        except BadCursor:
            raise ValidationError("Not a cursor this search gave.") from None


class SearchQuerySchema(Schema):
    q = fields.String(required=True, validate=[validate.Length(min=1, max=Q_MAX), no_nul], metadata={
        "description": "Words (all required), `\"a phrase\"`, `or`, `-word`; `word*` matches a "
                       "prefix. Profiles: a username prefix or part of a display name; tags: a prefix. "
                       "NUL characters: 422", "pattern": "^[^\\x00]*$"})
    type = fields.String(validate=validate.OneOf(TYPES), metadata={
        "description": "One list, paged (`cursor`, `Link` next); without it, the first page of each"})
    limit = fields.Integer(load_default=LIMIT_DEFAULT, validate=validate.Range(min=1, max=LIMIT_MAX),
                           metadata={"description": f"Page size (default {LIMIT_DEFAULT})"})
    cursor = CursorField(metadata={"maxLength": CURSOR_MAX,
        "description": "From the `next` link of the previous page, with the same `type`; any other "
                       "value, or a cursor without `type`: 422"})


class SearchResultSchema(Schema):
    posts = fields.List(fields.Nested(PostSchema), required=True, metadata={
        "description": "Best match first; only posts the viewer may see"})
    profiles = fields.List(fields.Nested(ProfileSchema), required=True, metadata={
        "description": "Usernames starting with the query first"})
    tags = fields.List(fields.Nested(TagSchema), required=True, metadata={
        "description": "Most used first (`count`: the posts the viewer may see that carry it)"})
