"""Registration, confirmation, login/logout, the signed-in user, password flows."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, jsonify
from flask.views import MethodView

from axa.blueprints.auth.account import service
from axa.blueprints.auth.account.schemas import (
    AcceptedSchema,
    ChangeEmailSchema,
    ChangePasswordSchema,
    ForgotSchema,
    LoginResultSchema,
    LoginSchema,
    ReauthenticatedSchema,
    ReauthenticateSchema,
    RegisterSchema,
    ResetSchema,
    TokenSchema,
    UserSchema,
)
from axa.platform.api import Blueprint

blp = Blueprint("account", __name__, url_prefix="/api/v1/auth",
                description="Registration, login, sessions and passwords")
PROOF_403 = ("The current password is wrong, or (none given) the sign-in is older than "
             "AXA_REAUTH_MINUTES (reason `reauthentication_required`)")
FORGOT_BODY = {"message": "If an account exists for this email, a reset link is on its way."}


def _set_cookie(response, session_id: str) -> None:
    settings = current_app.config["AXA"]
    response.set_cookie(settings.cookie_name, session_id, max_age=settings.session_absolute_seconds,
                        path="/", secure=settings.production, httponly=True, samesite="Lax")


def _clear_cookie(response) -> None:
    settings = current_app.config["AXA"]
    response.delete_cookie(settings.cookie_name, path="/", secure=settings.production,
                           httponly=True, samesite="Lax")


@blp.route("/register")
class Register(MethodView):
    @blp.arguments(RegisterSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="The email is taken")
    @blp.alt_response(429, description="Too many registrations from this address")
    def post(self, data):
        """Create an account and mail a confirmation link"""
        return service.register(data["email"], data["password"], data["display_name"]).to_dict()


@blp.route("/confirm")
class Confirm(MethodView):
    @blp.arguments(TokenSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(400, description="Unknown, expired or used token")
    def post(self, data):
        """Confirm an email address with the token from the mail"""
        return service.confirm(data["token"]).to_dict()


@blp.route("/confirm/resend")
class ResendConfirmation(MethodView):
    @blp.login_required
    @blp.response(202, AcceptedSchema)
    @blp.alt_response(429, description="Too many resends for this account or address; see Retry-After")
    def post(self):
        """Mail a new confirmation link (voids the previous one)"""
        service.resend_confirmation(service.current_user())
        return {"message": "A new confirmation link is on its way if the email is unconfirmed."}


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, LoginResultSchema)
    @blp.alt_response(401, description="Wrong email or password, or the account is disabled")
    @blp.alt_response(429, description="Too many attempts; see Retry-After")
    def post(self, data):
        """Sign in: returns the session id and sets the session cookie"""
        session_id, session, user = service.login(data["email"], data["password"])
        expires = datetime.fromtimestamp(service.session_store().expires_at(session), UTC)
        body = LoginResultSchema().dump({"session_id": session_id, "expires_at": expires,
                                         "user": user.to_dict()})
        response = jsonify(body)
        _set_cookie(response, session_id)
        return response


@blp.route("/logout")
class Logout(MethodView):
    @blp.login_required
    @blp.response(204)
    def post(self):
        """End this session and clear the cookie"""
        service.logout()
        response = current_app.response_class(status=204)
        _clear_cookie(response)
        return response


@blp.route("/reauthenticate")
class Reauthenticate(MethodView):
    @blp.login_required
    @blp.arguments(ReauthenticateSchema)
    @blp.response(200, ReauthenticatedSchema)
    @blp.alt_response(403, description="The password is wrong (`wrong_password`)")
    @blp.alt_response(429, description="Too many attempts; see Retry-After")
    def post(self, data):
        """Prove the password again: stamps this session as recently signed in"""
        return {"auth_time": service.reauthenticate(service.current_user(), data["password"])}


@blp.route("/me")
class Me(MethodView):
    @blp.login_required
    @blp.response(200, UserSchema)
    def get(self):
        """The signed-in user"""
        return service.current_user().to_dict()


@blp.route("/password/forgot")
class ForgotPassword(MethodView):
    @blp.arguments(ForgotSchema)
    @blp.response(202, AcceptedSchema)
    @blp.alt_response(429, description="Too many requests for this address or account; see Retry-After")
    def post(self, data):
        """Mail a reset link if the account exists (same answer either way)"""
        service.forgot_password(data["email"])
        return FORGOT_BODY


@blp.route("/password/reset")
class ResetPassword(MethodView):
    @blp.arguments(ResetSchema)
    @blp.response(204)
    @blp.alt_response(400, description="Unknown, expired or used token")
    def post(self, data):
        """Set a new password with a reset token; ends every session of the user"""
        service.reset_password(data["token"], data["password"])


@blp.route("/password/change")
class ChangePassword(MethodView):
    @blp.login_required
    @blp.arguments(ChangePasswordSchema)
    @blp.response(204)
    @blp.alt_response(403, description=PROOF_403)
    @blp.alt_response(429, description="Too many wrong current passwords for this account; see Retry-After")
    def post(self, data):
        """Change the password; ends every other session"""
        user = service.current_user()
        service.change_password(user, data.get("current_password"), data["new_password"])


@blp.route("/email/change")
class ChangeEmail(MethodView):
    @blp.login_required
    @blp.arguments(ChangeEmailSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(403, description=PROOF_403)
    @blp.alt_response(409, description="Another account has this address")
    @blp.alt_response(429, description="Too many changes or wrong current passwords; see Retry-After")
    def post(self, data):
        """Change the email: a confirmation link goes to the new address, a notice to the old one"""
        user = service.change_email(service.current_user(), data.get("current_password"), data["email"])
        return user.to_dict()
