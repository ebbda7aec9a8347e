"""Articles as RealWorld sends and takes them (lists leave out ``body``), and the tags list."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from axa.blueprints.socweb.conduit.schemas import (
    NO_NUL,
    ConduitProfileSchema,
    PageArgsSchema,
    RequestSchema,
    text,
    valid_text,
)
from axa.models.socweb.posts import BODY_MAX, DESCRIPTION_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX
from axa.platform.fields import Timestamp

TAGS_RULE = (f"At most {TAGS_MAX} tags of at most {TAG_MAX} characters, counting the body's #hashtags "
             "(tags are kept normalized: lower case, without `#`); more, longer or NUL characters: 422")
FILTER_MAX = 100


class ConduitArticleListItemSchema(Schema):
    slug = fields.String(required=True,
                         metadata={"description": "`<title as a slug>-<id>`; changes with the title"})
    title = fields.String(required=True)
    description = fields.String(required=True)
    tagList = fields.List(fields.String(), required=True)  # RealWorld's camelCase names
    createdAt = Timestamp(required=True)
    updatedAt = Timestamp(required=True)
    favorited = fields.Boolean(required=True, metadata={"description": "The caller favorites (likes) it"})
    favoritesCount = fields.Integer(required=True)
    author = fields.Nested(ConduitProfileSchema, required=True)


class ConduitArticleSchema(ConduitArticleListItemSchema):
    body = fields.String(required=True)


class ConduitSingleArticleSchema(Schema):
    article = fields.Nested(ConduitArticleSchema, required=True)


class ConduitMultipleArticlesSchema(Schema):
    articles = fields.List(fields.Nested(ConduitArticleListItemSchema), required=True)
    articlesCount = fields.Integer(required=True, metadata={"description": "All that match"})


def tag_list(description: str = TAGS_RULE, **kwargs) -> fields.List:
    tag = fields.String(validate=[valid_text, validate.Length(max=TAG_MAX)], metadata={"pattern": NO_NUL})
    return fields.List(tag, validate=validate.Length(max=TAGS_MAX, error=f"has more than {TAGS_MAX} tags"),
                       metadata={"description": description}, **kwargs)


class ConduitNewArticleSchema(RequestSchema):
    title = text(required=True, max_length=TITLE_MAX)
    description = text(required=True, max_length=DESCRIPTION_MAX)
    body = text(required=True, max_length=BODY_MAX, description="Markdown; #hashtags in it become tags.")
    tagList = tag_list(load_default=list)


class ConduitNewArticleRequestSchema(RequestSchema):
    article = fields.Nested(ConduitNewArticleSchema, required=True)


class ConduitUpdateArticleSchema(RequestSchema):
    title = text(max_length=TITLE_MAX, description="The slug follows a new title.")
    description = text(max_length=DESCRIPTION_MAX)
    body = text(max_length=BODY_MAX)
    tagList = tag_list(f"Replaces the tags when sent. {TAGS_RULE}")


class ConduitUpdateArticleRequestSchema(RequestSchema):
    article = fields.Nested(ConduitUpdateArticleSchema, required=True)


def filter_field(description: str) -> fields.String:
    return fields.String(validate=[valid_text, validate.Length(max=FILTER_MAX)],
                         metadata={"pattern": NO_NUL, "description": f"{description} (NUL characters "
                                   f"or over {FILTER_MAX} characters: 422)"})


class ConduitArticlesQuerySchema(PageArgsSchema):
    tag = filter_field("Only articles with this tag")
    author = filter_field("Only articles by this username")
    favorited = filter_field("Only articles favorited by this username")


class ConduitTagsSchema(Schema):
    tags = fields.List(fields.String(), required=True,
                       metadata={"description": "The most used tags of public articles, most used first"})
