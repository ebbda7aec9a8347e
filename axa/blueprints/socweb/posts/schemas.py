"""The native face's post as every read path sends it (posts, feeds, timelines, tags)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from axa.blueprints.auth.account.schemas import NO_NUL, Text
from axa.blueprints.market.schemas import PLAIN
from axa.blueprints.socweb.media.schemas import MediaSchema
from axa.models.socweb.media import ATTACHMENTS_MAX
from axa.models.socweb.posts import BODY_MAX, DESCRIPTION_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX, VISIBILITIES
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
    media = fields.List(fields.Nested(MediaSchema), required=True,
                        metadata={"description": "The attached images, in order"})


# Bodies: not blank, no NUL (PostgreSQL text cannot hold it); titles and tags: no control characters.
SOME_TEXT = validate.Regexp(r"^[^\x00]*[^\s\x00][^\x00]*$", error="Must not be blank or hold NUL characters.")
TAGS_RULE = (f"Up to {TAGS_MAX}, each up to {TAG_MAX} characters; stored normalized (NFKC, lower case, "
             f"no leading `#`) together with the body's #hashtags, unique and sorted. More than "
             f"{TAGS_MAX} in all, or one longer than {TAG_MAX} once normalized: 422")

MEDIA_RULE = (f"Up to {ATTACHMENTS_MAX} ids of your own uploads in `ready` state (POST /api/v1/media), "
              "in the order shown; another id: 422. On an edit, the list replaces the attachments")


def _fields(required: bool) -> dict:
    """The writable fields of a post; a create requires ``body`` and fills the defaults."""
    defaults = {"load_default": None} if required else {}
    return {
        "body": Text(required=required, validate=[validate.Length(max=BODY_MAX), SOME_TEXT],
                     metadata={"description": f"Up to {BODY_MAX} characters, not blank"}),
        "title": Text(allow_none=True, validate=[validate.Length(max=TITLE_MAX), PLAIN], **defaults,
                      metadata={"description": "The slug is derived from it"}),
        "description": Text(allow_none=True, validate=[validate.Length(max=DESCRIPTION_MAX), NO_NUL],
                            **defaults),
        "tags": fields.List(Text(validate=[validate.Length(max=TAG_MAX), PLAIN]),
                            validate=validate.Length(max=TAGS_MAX), metadata={"description": TAGS_RULE},
                            **({"load_default": list} if required else {})),
        "media_ids": fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**63 - 1)),
                                 validate=validate.Length(max=ATTACHMENTS_MAX),
                                 **({"load_default": list} if required else {}),
                                 metadata={"description": MEDIA_RULE}),
        "visibility": fields.String(validate=validate.OneOf(VISIBILITIES),
                                    **({"load_default": "public"} if required else {}),
                                    metadata={"description": "`subscribers`: only the author's "
                                                             "subscribers see it"}),
    }


PostCreateSchema = Schema.from_dict(_fields(required=True), name="PostCreateSchema")
PostPatchSchema = Schema.from_dict(_fields(required=False), name="PostPatchSchema")


class PostVersionSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True, allow_none=True)
    description = fields.String(required=True, allow_none=True)
    body = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    visibility = fields.String(required=True, metadata={"enum": list(VISIBILITIES)})
    created_at = Timestamp(required=True, metadata={"description": "When this version was written"})
