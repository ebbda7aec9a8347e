from marshmallow import Schema, fields, validate

from axa.blueprints.auth.account.schemas import NO_NUL, Text

ROLES = ("admin",)


class UserQuerySchema(Schema):
    email = Text(validate=[validate.Length(max=320), NO_NUL],
                 metadata={"description": "Substring of the email, in any case or compatibility form"})


class UserPatchSchema(Schema):
    status = fields.String(validate=validate.OneOf(["active", "disabled"]))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), validate=validate.Length(max=8))
