from marshmallow import Schema, fields, validate

from axa.blueprints.auth.account.schemas import Text

ROLES = ("admin",)


class UserQuerySchema(Schema):
    email = Text(validate=validate.Length(max=320),
                         metadata={"description": "Case-insensitive substring of the email"})


class UserPatchSchema(Schema):
    status = fields.String(validate=validate.OneOf(["active", "disabled"]))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), validate=validate.Length(max=8))
