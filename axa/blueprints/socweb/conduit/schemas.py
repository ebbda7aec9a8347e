"""What every Conduit resource's schemas share: text fields that refuse what PostgreSQL cannot
hold (NUL, lone surrogates) with 422, the profile object, and list paging.

Schema names start with ``Conduit`` so the face's components never collide with the native API's
in socweb's one OpenAPI document. Request bodies ignore unknown fields (RealWorld clients send
extra ones, e.g. the whole user back on ``PUT /user``).
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

NO_NUL = r"^[^\x00]*$"
FILLED = r"^[^\x00]*[^\s\x00][^\x00]*$"  # NUL-free, not blank
USERNAME = r"^[A-Za-z0-9_]{3,30}$"
LIST_MAX = 100
OFFSET_MAX = 2**31 - 1


def valid_text(value: str) -> None:
    if "\x00" in value:
        raise ValidationError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("is not valid text") from None


def filled(value: str) -> None:
    if not value.strip():
        raise ValidationError("can't be blank")


def text(*, required: bool = False, max_length: int | None = None, blank: bool = False,
         description: str = "", metadata: dict | None = None, **kwargs) -> fields.String:
    """A string field: valid text, not blank unless ``blank``, at most ``max_length`` characters;
    each broken rule answers 422 (stated in the field's description)."""
    validators = [valid_text] if blank else [valid_text, filled]
    if max_length is not None:
        validators.append(validate.Length(max=max_length,
                                          error=f"is too long (maximum is {max_length} characters)"))
    rules = "NUL characters" if blank else "blank or NUL characters"
    if max_length is not None:
        rules = f"over {max_length} characters, {rules}"
    metadata = {"pattern": NO_NUL if blank else FILLED, **(metadata or {}),
                "description": f"{description}{' ' if description else ''}{rules[0].upper()}{rules[1:]}: 422"}
    messages = {"required": "can't be blank", "null": "can't be blank"}
    return fields.String(required=required, validate=validators, metadata=metadata,
                         error_messages=messages, **kwargs)


class RequestSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class ConduitProfileSchema(Schema):
    username = fields.String(required=True)
    bio = fields.String(required=True, allow_none=True)
    image = fields.String(required=True, allow_none=True)
    following = fields.Boolean(required=True, metadata={"description": "The caller follows them"})


class ConduitProfileResponseSchema(Schema):
    profile = fields.Nested(ConduitProfileSchema, required=True)


class PageArgsSchema(RequestSchema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=LIST_MAX),
                           metadata={"description": f"Articles to return (1 to {LIST_MAX}, default 20)"})
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=OFFSET_MAX),
                            metadata={"description": "Articles to skip, newest first (default 0)"})
