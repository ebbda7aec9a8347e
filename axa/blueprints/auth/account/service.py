"""Account operations behind the auth endpoints: each commits its own transaction and hands
outbox entries (user sync, mail) to the relay only after commit."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, request
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError

from axa.models.auth import AuthEvent, OutboxEntry, User, UserToken, db
from axa.models.auth.users import normalize_email
from axa.platform import passwords, ratelimit
from axa.platform.auth_hook import (
    current_session,
    optional_session,
    require_recent_sign_in,
    session_store,
    unauthorized,
)
from axa.tasks.auth.sync import relay_after_commit

INVALID_LOGIN = "Invalid email or password."


def client_ip() -> str:
    return request.remote_addr or ""


def _reject_password(password: str, email: str, field: str = "password") -> None:
    problems = passwords.policy_problems(password, email)
    if problems:
        abort(422, errors={"json": {field: problems}}, message="Unprocessable Entity")


def _commit_and_relay(*entries: OutboxEntry) -> None:
    db.session.commit()
    relay_after_commit([e.id for e in entries])


def current_user() -> User:
    session = current_session()
    user = db.session.get(User, session.user_id)
    if user is None or not user.active:
        session_store().end(session)
        unauthorized()
    return user


def register(email: str, password: str, display_name: str) -> User:
    ratelimit.hit("register-ip", client_ip(), current_app.config["AXA"].register_limits)
    email = email.strip().lower()
    _reject_password(password, email)
    if User.by_email(email) is not None:
        abort(409, message="An account with this email already exists.")
    user = User(email=email, password_hash=passwords.hash_password(password),
                display_name=display_name.strip(), status="active", roles=[], version=0)
    db.session.add(user)
    try:
        sync = OutboxEntry.user_changed(user)
        _commit_and_relay(sync, OutboxEntry.mail("confirm", user_id=user.id))
    except IntegrityError:
        db.session.rollback()
        abort(409, message="An account with this email already exists.")
    return user


def confirm(token: str) -> User:
    user_id = UserToken.redeem(token, "confirm")
    user = db.session.get(User, user_id) if user_id else None
    if user is None:
        db.session.rollback()
        abort(400, message="This confirmation link is invalid, used or expired.")
    user.email_confirmed_at = user.email_confirmed_at or datetime.now(UTC)
    db.session.commit()
    return user


def resend_confirmation(user: User) -> None:
    settings = current_app.config["AXA"]
    ratelimit.hit("resend-ip", client_ip(), settings.resend_ip_limits)
    ratelimit.hit("resend-user", str(user.id), settings.resend_limits)
    if user.email_confirmed_at is None:
        _commit_and_relay(OutboxEntry.mail("confirm", user_id=user.id))


def login(email: str, password: str):
    settings = current_app.config["AXA"]
    key = normalize_email(email)
    ratelimit.hit("login-ip", client_ip(), settings.login_ip_limits)
    # every attempt counts, before its password is checked: a check now and a count after the
    # hash would let concurrent guesses all pass the check together, on any number of workers
    ratelimit.hit("login-email", key, settings.login_limits)
    user = User.by_email(key)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    ua = request.headers.get("User-Agent", "")
    if not ok or not user.active:
        AuthEvent.log("login_failed", user.id if user else None, client_ip(), ua)
        db.session.commit()
        abort(401, message=INVALID_LOGIN)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    store = session_store()
    presented = optional_session()
    if presented is not None:
        store.end(presented)  # never keep a pre-login id (session fixation)
    session_id, session = store.create(user.id, client_ip(), ua)
    AuthEvent.log("login", user.id, client_ip(), ua)
    db.session.commit()
    return session_id, session, user


def reauthenticate(user: User, password: str) -> datetime:
    """The password again, throttled like login (every attempt counts first): stamps the session's
    auth time, which operations that need a recent sign-in read. A wrong password answers 403 and
    leaves the session as it was."""
    settings, session = current_app.config["AXA"], current_session()
    ratelimit.hit("reauth-ip", client_ip(), settings.login_ip_limits)
    ratelimit.hit("reauth-user", str(user.id), settings.login_limits)
    ok = passwords.verify_password(user.password_hash, password)
    AuthEvent.log("reauthenticate" if ok else "reauthenticate_failed", user.id, client_ip(),
                  request.headers.get("User-Agent", ""))
    db.session.commit()
    if not ok:
        abort(403, message="The password is wrong.", reason="wrong_password")
    stamped = session_store().stamp_auth(session)
    if stamped is None:
        unauthorized()
    return datetime.fromtimestamp(stamped, UTC)


def logout() -> None:
    session = current_session()
    session_store().end(session)
    AuthEvent.log("logout", session.user_id, client_ip(), request.headers.get("User-Agent", ""))
    db.session.commit()


def forgot_password(email: str) -> None:
    """The same work whether or not the address has an account, so neither the answer nor its
    time tells: the request queues a reset mail for the address; the mail task looks the account
    up and sends nothing when there is none (or it is disabled)."""
    settings = current_app.config["AXA"]
    key = normalize_email(email)
    ratelimit.hit("forgot-ip", client_ip(), settings.forgot_limits)
    ratelimit.hit("forgot-email", key, settings.forgot_limits)
    _commit_and_relay(OutboxEntry.mail("reset", email_key=key))


def reset_password(token: str, password: str) -> None:
    user_id = UserToken.redeem(token, "reset")
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active:
        db.session.rollback()
        abort(400, message="This reset link is invalid, used or expired.")
    _reject_password(password, user.email)
    user.password_hash = passwords.hash_password(password)
    mail = OutboxEntry.mail("password_changed", user_id=user.id)
    AuthEvent.log("password_reset", user.id, client_ip(), request.headers.get("User-Agent", ""))
    _commit_and_relay(mail)
    session_store().end_all(user.id)
    # the owner proved control of the mailbox: guesses by others no longer lock the account
    ratelimit.clear("login-email", user.email_key, current_app.config["AXA"].login_limits)


def _wrong_current_password(user: User) -> None:
    """Audit the guess and count it for the session: the session that used up its allowance ends
    (401), otherwise 403. (The account's limit counted the attempt before the password check.)"""
    settings, session = current_app.config["AXA"], current_session()
    ua = request.headers.get("User-Agent", "")
    AuthEvent.log("password_change_failed", user.id, client_ip(), ua)
    signed_out = ratelimit.count("password-change-session", session.key_hash,
                                 settings.password_change_session_limits)
    if signed_out:
        session_store().end(session)
        AuthEvent.log("password_guesses_signed_out", user.id, client_ip(), ua)
    db.session.commit()
    if signed_out:
        abort(401, message="Too many wrong passwords: this session has ended. Sign in again.")
    abort(403, message="The current password is wrong.")


def _prove(user: User, current: str | None) -> None:
    """A privileged change is proved by the current password (a wrong one is counted and refused)
    or, without it, by a sign-in at most AXA_REAUTH_MINUTES old (403 ``reauthentication_required``)."""
    if current is None:
        require_recent_sign_in()
    elif not passwords.verify_password(user.password_hash, current):
        _wrong_current_password(user)


def change_password(user: User, current: str | None, new: str) -> None:
    # every attempt counts for the account before its password is checked: a check now and a
    # count after the hash would let concurrent guesses all pass the check together
    ratelimit.hit("password-change", str(user.id), current_app.config["AXA"].password_change_limits)
    _prove(user, current)
    _reject_password(new, user.email, "new_password")
    user.password_hash = passwords.hash_password(new)
    mail = OutboxEntry.mail("password_changed", user_id=user.id)
    AuthEvent.log("password_change", user.id, client_ip(), request.headers.get("User-Agent", ""))
    _commit_and_relay(mail)
    session_store().end_all(user.id, keep=current_session().key_hash)


def change_email(user: User, current: str | None, email: str) -> User:
    """A new address, unconfirmed until its owner follows the link mailed to it; the old address is
    told (a hijacked session cannot move the account away quietly) and the replicas get the change
    through user sync. The same address again changes nothing; one another account has: 409."""
    ratelimit.hit("email-change", str(user.id), current_app.config["AXA"].password_change_limits)
    _prove(user, current)
    email = email.strip().lower()
    if email == user.email:
        return user
    if User.by_email(email) not in (None, user):
        abort(409, message="An account with this email already exists.")
    old = user.email
    user.email, user.email_confirmed_at = email, None
    UserToken.void(user.id, "confirm")
    try:
        sync = OutboxEntry.user_changed(user)
        notice = OutboxEntry.mail("email_changed", user_id=user.id, to=old)
        AuthEvent.log("email_change", user.id, client_ip(), request.headers.get("User-Agent", ""))
        _commit_and_relay(sync, notice, OutboxEntry.mail("confirm", user_id=user.id))
    except IntegrityError:
        db.session.rollback()
        abort(409, message="An account with this email already exists.")
    return user
