"""Request and response schemas of the account endpoints."""
from marshmallow import Schema, fields, validate

from axa.platform.passwords import MAX_LENGTH


class UserSchema(Schema):
    id = fields.Integer()
    email = fields.Email()
    display_name = fields.String()
    status = fields.String()
    roles = fields.List(fields.String())
    version = fields.Integer()
    email_confirmed = fields.Boolean()
    created_at = fields.DateTime()


class RegisterSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=4096))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=320))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=MAX_LENGTH * 4))


class LoginResultSchema(Schema):
    session_id = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(UserSchema)


class TokenSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ForgotSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=320))


class ResetSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=4096))


class ChangePasswordSchema(Schema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(max=4096))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(max=4096))


class AcceptedSchema(Schema):
    message = fields.String()
