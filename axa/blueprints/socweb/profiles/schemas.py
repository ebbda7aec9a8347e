"""Schemas of the profile endpoints: the profile as every face of it is sent, and its update.

Usernames are case-insensitive: any case is accepted and stored in lower case (``Ada_1`` becomes
``ada_1``); a lookup by username in any case finds the same profile."""
from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate

from axa.models.socweb.profiles import BIO_MAX, IMAGE_MAX
from axa.platform.api import SIGNED_IN
from axa.platform.fields import Timestamp

USERNAME_ANY_CASE = re.compile(r"[A-Za-z0-9_]{3,30}")  # ASCII only: no IGNORECASE (K -> k)
USERNAME_PATTERN = f"^{USERNAME_ANY_CASE.pattern}$"
USERNAME_RULE = "3 to 30 of `a-z`, `0-9`, `_`, any case, stored in lower case (`Ada_1` is `ada_1`)"
MEDIA_RULE = ("One of your uploads in `ready` state (POST /api/v1/media), or null to remove it; "
              "another id: 422")
MEDIA_ID_RANGE = validate.Range(min=1, max=2**63 - 1)
OPTIONAL_SESSION = [{}, *SIGNED_IN]  # security of a read open to all: signed in adds the viewer's flags


def username_parameter(description: str) -> dict:
    """The ``{username}`` path parameter as the spec documents it."""
    return {"in": "path", "name": "username", "description": description,
            "schema": {"type": "string", "pattern": USERNAME_PATTERN}}


def plain_text(value: str) -> None:
    """Text PostgreSQL can store: no NUL, no lone surrogate (JSON can carry ``"\\udc80"``)."""
    if "\x00" in value:
        raise ValidationError("NUL characters are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Not valid text (contains a lone surrogate).") from None


class Username(fields.String):
    """A username in any case, loaded in lower case."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not USERNAME_ANY_CASE.fullmatch(text):
            raise ValidationError(f"Must be {USERNAME_RULE}.")
        return text.lower()


class ProfileBaseSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "The user's id"})
    username = fields.String(required=True, allow_none=True,
                             metadata={"description": "Lower case; null until the user chooses one"})
    display_name = fields.String(required=True)
    bio = fields.String(required=True, allow_none=True)
    image = fields.String(required=True, allow_none=True, metadata={
        "description": "Avatar URL: the avatar image's small derivative when one is set, else `image` "
                       "as given"})
    avatar_media_id = fields.Integer(required=True, allow_none=True)
    header_media_id = fields.Integer(required=True, allow_none=True)
    header = fields.String(required=True, allow_none=True, metadata={
        "description": "Header image URL (its large derivative), or null"})
    posts_count = fields.Integer(required=True, metadata={"description": "Posts the viewer may see"})
    subscribers_count = fields.Integer(required=True, metadata={"description": "Active subscribers"})
    subscriptions_count = fields.Integer(required=True, metadata={
        "description": "Active users this one subscribes to"})
    created_at = Timestamp(required=True)


class ProfileSchema(ProfileBaseSchema):
    following = fields.Boolean(required=True, metadata={
        "description": "The signed-in viewer subscribes to this user (false when anonymous)"})
    followed_by = fields.Boolean(required=True, metadata={
        "description": "This user subscribes to the signed-in viewer (false when anonymous)"})


class OwnProfileSchema(ProfileBaseSchema):
    suggested_username = fields.String(required=True, allow_none=True, metadata={
        "description": "While `username` is null: a free username shaped from the display name"})


class ProfileUpdateSchema(Schema):
    username = Username(metadata={"pattern": USERNAME_PATTERN, "description": (
        f"{USERNAME_RULE}; another shape: 422; taken by another user (any case): 409")})
    bio = fields.String(allow_none=True, validate=[validate.Length(max=BIO_MAX), plain_text],
                        metadata={"description": f"Up to {BIO_MAX} characters; a NUL character: 422"})
    image = fields.Url(allow_none=True, schemes={"http", "https"}, require_tld=False,
                       validate=[validate.Length(max=IMAGE_MAX), plain_text],
                       metadata={"description": (f"An http(s) URL of up to {IMAGE_MAX} characters, "
                                                 "or null; anything else: 422")})
    avatar_media_id = fields.Integer(allow_none=True, strict=True, validate=MEDIA_ID_RANGE,
                                     metadata={"description": MEDIA_RULE})
    header_media_id = fields.Integer(allow_none=True, strict=True, validate=MEDIA_ID_RANGE,
                                     metadata={"description": MEDIA_RULE})
