"""Request and response schemas of the account endpoints."""
from marshmallow import Schema, fields, validate

from axa.platform.passwords import MAX_LENGTH, MIN_LENGTH

# PostgreSQL text cannot hold NUL: say so in the spec and answer 422, not the database's 400.
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="NUL characters are not allowed.")

# The password policy (axa.platform.passwords) as the spec states it: the schema caps the length
# at 4096 (no hashing of megabytes); the policy answers the rest with 422.
NEW_PASSWORD = {"minLength": MIN_LENGTH, "maxLength": MAX_LENGTH, "description": (
    f"{MIN_LENGTH} to {MAX_LENGTH} characters; a common password, or the email itself: 422")}


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
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=4096),
                             metadata=NEW_PASSWORD)
    display_name = fields.String(required=True, validate=[validate.Length(min=1, max=100), NO_NUL])


class LoginSchema(Schema):
    email = fields.String(required=True, validate=[validate.Length(max=320), NO_NUL])
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=MAX_LENGTH * 4))


class LoginResultSchema(Schema):
    session_id = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(UserSchema)


class TokenSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ForgotSchema(Schema):
    email = fields.String(required=True, validate=[validate.Length(max=320), NO_NUL])


class ResetSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=4096),
                             metadata=NEW_PASSWORD)


class ChangePasswordSchema(Schema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(max=4096))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(max=4096),
                                 metadata=NEW_PASSWORD)


class AcceptedSchema(Schema):
    message = fields.String()
