"""Request and response schemas of the account endpoints."""
from marshmallow import Schema, ValidationError, fields, validate

from axa.models.auth.users import normalize_email
from axa.platform.passwords import MAX_LENGTH, MIN_LENGTH

# PostgreSQL text cannot hold NUL: say so in the spec and answer 422, not the database's 400.
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="NUL characters are not allowed.")

# The password policy (axa.platform.passwords) as the spec states it: the schema caps the length
# at 4096 (no hashing of megabytes); the policy answers the rest with 422.
NEW_PASSWORD = {"minLength": MIN_LENGTH, "maxLength": MAX_LENGTH, "description": (
    f"{MIN_LENGTH} to {MAX_LENGTH} characters; a common password, or the email itself: 422")}


class _ValidText:
    """Refuses strings that are not valid Unicode text (a lone surrogate, which JSON escapes such
    as ``"\\udc80"`` can carry): 422 here, instead of an error wherever the text is encoded later."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("Not valid text (contains a lone surrogate).") from None
        return text


class Text(_ValidText, fields.String):
    pass


class EmailText(_ValidText, fields.Email):
    pass


def _key_fits(email: str) -> None:
    """NFKC can lengthen text (one ligature becomes up to 18 characters): the stored key must fit."""
    if len(normalize_email(email)) > 320:
        raise ValidationError("Longer than 320 characters once normalized.")


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
    email = EmailText(required=True, validate=[validate.Length(max=320), _key_fits])
    password = Text(required=True, load_only=True, validate=validate.Length(max=4096), metadata=NEW_PASSWORD)
    display_name = Text(required=True, validate=[validate.Length(min=1, max=100), NO_NUL])


class LoginSchema(Schema):
    email = Text(required=True, validate=[validate.Length(max=320), NO_NUL])
    password = Text(required=True, load_only=True, validate=validate.Length(max=MAX_LENGTH * 4))


class LoginResultSchema(Schema):
    session_id = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(UserSchema)


class ReauthenticateSchema(Schema):
    password = Text(required=True, load_only=True, validate=validate.Length(max=MAX_LENGTH * 4))


class ReauthenticatedSchema(Schema):
    auth_time = fields.DateTime(metadata={"description": "When this session last proved the password"})


class TokenSchema(Schema):
    token = Text(required=True, validate=validate.Length(min=1, max=200))


class ForgotSchema(Schema):
    email = Text(required=True, validate=[validate.Length(max=320), NO_NUL])


class ResetSchema(Schema):
    token = Text(required=True, validate=validate.Length(min=1, max=200))
    password = Text(required=True, load_only=True, validate=validate.Length(max=4096), metadata=NEW_PASSWORD)


CURRENT_PASSWORD = {"description": (
    "The current password. Omitted: the session must have signed in (or re-authenticated, "
    "POST /api/v1/auth/reauthenticate) at most AXA_REAUTH_MINUTES ago, else 403 with reason "
    "`reauthentication_required`.")}


class ChangePasswordSchema(Schema):
    current_password = Text(load_only=True, validate=validate.Length(max=4096), metadata=CURRENT_PASSWORD)
    new_password = Text(required=True, load_only=True, validate=validate.Length(max=4096),
                        metadata=NEW_PASSWORD)


class ChangeEmailSchema(Schema):
    email = EmailText(required=True, validate=[validate.Length(max=320), _key_fits], metadata={
        "description": "The new address: unconfirmed until its owner follows the link mailed to it"})
    current_password = Text(load_only=True, validate=validate.Length(max=4096), metadata=CURRENT_PASSWORD)


class AcceptedSchema(Schema):
    message = fields.String()
