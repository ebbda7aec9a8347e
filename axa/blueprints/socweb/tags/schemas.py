"""Popular tags."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

LIMIT_DEFAULT, LIMIT_MAX = 20, 100


class TagQuerySchema(Schema):
    limit = fields.Integer(load_default=LIMIT_DEFAULT, validate=validate.Range(min=1, max=LIMIT_MAX),
                           metadata={"description": f"How many tags (default {LIMIT_DEFAULT})"})


class TagSchema(Schema):
    tag = fields.String(required=True)
    count = fields.Integer(required=True, metadata={
        "description": "Public posts with this tag, by active users"})
