"""Bodies of the Conduit account endpoints (``/users``, ``/users/login``, ``/user``)."""
from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate

from axa.blueprints.socweb.conduit.schemas import FILLED, USERNAME, RequestSchema, filled, text, valid_text
from axa.models.socweb.profiles import BIO_MAX, IMAGE_MAX
from axa.platform.passwords import MAX_LENGTH, MIN_LENGTH

EMAIL_MAX = 320


def username_shape(value: str) -> None:
    filled(value)
    if not re.fullmatch(USERNAME, value):
        raise ValidationError("is invalid (3 to 30 letters, digits or _)")


def username(**kwargs) -> fields.String:
    return fields.String(validate=username_shape,
                         error_messages={"required": "can't be blank", "null": "can't be blank"},
                         metadata={"pattern": USERNAME, "description": (
                             "3 to 30 letters, digits or `_`, kept in lower case (unique in any case); "
                             "another shape or one taken: 422")},
                         **kwargs)


def new_password() -> fields.String:
    length = validate.Length(min=MIN_LENGTH, max=MAX_LENGTH,
                             error=f"must be {MIN_LENGTH} to {MAX_LENGTH} characters")
    return fields.String(required=True, validate=[valid_text, filled, length],
        error_messages={"required": "can't be blank", "null": "can't be blank"}, metadata={
            "format": "password", "pattern": FILLED, "description": f"{MIN_LENGTH} to {MAX_LENGTH} "
            "characters; shorter, longer, blank, a common password or the email itself: 422"})


class ConduitNewUserSchema(RequestSchema):
    username = username(required=True)
    email = fields.Email(required=True, validate=validate.Length(max=EMAIL_MAX),
                         error_messages={"required": "can't be blank", "invalid": "is invalid"},
                         metadata={"description": "An address already registered: 422"})
    password = new_password()


class ConduitNewUserRequestSchema(RequestSchema):
    user = fields.Nested(ConduitNewUserSchema, required=True)


class ConduitLoginUserSchema(RequestSchema):
    email = text(required=True, max_length=EMAIL_MAX)
    password = text(required=True, max_length=MAX_LENGTH * 4, metadata={"format": "password"})


class ConduitLoginUserRequestSchema(RequestSchema):
    user = fields.Nested(ConduitLoginUserSchema, required=True)


class ConduitUpdateUserSchema(RequestSchema):
    email = text(allow_none=True, max_length=EMAIL_MAX, blank=True, description=(
        "A new address (needs a sign-in at most AXA_REAUTH_MINUTES old, else 422): confirmed by a "
        "link mailed to it, the old one told; not an address, or one taken: 422. Empty: unchanged."))
    password = text(allow_none=True, max_length=MAX_LENGTH * 4, blank=True, description=(
        "A new password (needs a sign-in at most AXA_REAUTH_MINUTES old, else 422; ends the other "
        "sessions); too short, too long or common: 422. Empty: unchanged."))
    username = username(allow_none=True)
    bio = text(allow_none=True, max_length=BIO_MAX, blank=True, description="Empty clears it.")
    image = text(allow_none=True, max_length=IMAGE_MAX, blank=True,
                 description="An image URL; empty clears it.")


class ConduitUpdateUserRequestSchema(RequestSchema):
    user = fields.Nested(ConduitUpdateUserSchema, required=True)


class ConduitUserSchema(Schema):
    email = fields.String(required=True)
    token = fields.String(required=True, metadata={"description": "The platform session id: send it "
                          "as `Authorization: Token <token>` (or `Bearer`, on every app)"})
    username = fields.String(required=True)
    bio = fields.String(required=True, allow_none=True)
    image = fields.String(required=True, allow_none=True)


class ConduitUserResponseSchema(Schema):
    user = fields.Nested(ConduitUserSchema, required=True)
