"""Accounts on the Conduit face. Register and login go through the auth server's REST API
(socweb never sees a password hash); the answer's versioned user snapshot is applied to socweb's
users replica at once (the same upsert-if-newer user sync does), so the new user can act on the
very next request, before sync arrives. The Conduit ``token`` is the platform session id auth
returns (valid as ``Bearer`` on every app); the username lives on the socweb profile.
"""
from __future__ import annotations

from flask import current_app, request
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError

from axa.blueprints.socweb.conduit import sessions
from axa.clients.auth.client import AuthAnswer, AuthUnavailable, client_for
from axa.models.socweb import Profile, User, db
from axa.models.socweb.profiles import suggest_username

TAKEN = {"username": ["has already been taken"]}
SNAPSHOT = ("id", "email", "display_name", "status", "version")  # what auth's user answers carry
AUTH_FIELDS = {"display_name": "username", "new_password": "password"}  # auth's -> Conduit's field
RECENT = {"password": ["needs a recent sign-in: log in again, then retry"]}
SUGGEST_TRIES = 3


def _auth(method: str, *args) -> AuthAnswer:
    """Call the auth server; 503 (with Retry-After) when it cannot answer."""
    client = client_for(current_app.config["AXA"].auth_url)
    try:
        if method == "me":
            return client.me(*args)
        return getattr(client, method)(*args, user_agent=request.headers.get("User-Agent", ""),
                                       client_ip=request.remote_addr or "")
    except AuthUnavailable:
        _unavailable("is unavailable, try again shortly")


def _unavailable(reason: str) -> None:
    abort(503, errors={"service": [reason]}, headers={"Retry-After": "5"})


def _refuse(answer: AuthAnswer) -> None:
    """Auth's refusal in Conduit's terms."""
    if answer.status == 409:
        abort(422, errors={"email": ["has already been taken"]})
    if answer.status == 401:
        abort(401, errors={"email or password": ["is invalid"]})
    if answer.status == 403 and answer.body.get("reason") == "reauthentication_required":
        abort(422, errors=RECENT)
    if answer.status == 429:
        abort(429, errors={"requests": ["are too many, try again later"]},
              headers={"Retry-After": answer.headers.get("retry-after", "60")})
    fields = _field_errors(answer.body) if answer.status == 422 else {}
    if fields:
        abort(422, errors={AUTH_FIELDS.get(name, name): messages for name, messages in fields.items()})
    _unavailable("refused the request unexpectedly, try again later")


def _field_errors(body: dict) -> dict[str, list[str]]:
    """Auth's 422 body (``{"errors": {"json": {"password": ["…"]}}}``) as field -> messages."""
    errors = body.get("errors")
    fields = errors.get("json") if isinstance(errors, dict) else None
    if not isinstance(fields, dict):
        return {}
    return {str(name): [str(m) for m in (messages if isinstance(messages, list) else [messages])]
            for name, messages in fields.items()}


def adopt(snapshot) -> int:
    """Apply the user snapshot auth answered with to the replica (if newer); the user's id."""
    if not isinstance(snapshot, dict) or any(key not in snapshot for key in SNAPSHOT):
        _unavailable("answered something unexpected, try again later")
    User.apply_snapshots([snapshot])
    return snapshot["id"]


def register(username: str, email: str, password: str) -> tuple[str, int]:
    """A new platform account (auth mails its confirmation link), signed in, with ``username``
    on its profile: (token, user id). The username is checked first; a race lost after auth made
    the account answers 422 too, and the account keeps no username until the user picks one."""
    if Profile.username_taken(username):
        abort(422, errors=TAKEN)
    made = _auth("register", email, password, username)
    if not made.ok:
        _refuse(made)
    token, user_id = login(email, password, name=False)
    claim_username(user_id, username)
    return token, user_id


def login(email: str, password: str, name: bool = True) -> tuple[str, int]:
    """Sign in through auth: (token, user id); the user gets a username if they have none."""
    signed_in = _auth("login", email, password)
    if not signed_in.ok:
        _refuse(signed_in)
    user_id = adopt(signed_in.body.get("user"))
    if not isinstance(signed_in.body.get("session_id"), str):
        _unavailable("answered something unexpected, try again later")
    if name:
        named(user_id)
    return signed_in.body["session_id"], user_id


def claim_username(user_id: int, username: str) -> Profile:
    profile = Profile.of(user_id)
    profile.username = username.lower()
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(422, errors=TAKEN)
    return profile


def named(user_id: int) -> Profile:
    """The user's profile, given the username suggested from their display name if they have
    none (RealWorld needs one to show them; they can change it with ``PUT /user``)."""
    profile = db.session.get(Profile, user_id)
    if profile is not None and profile.username is not None:
        return profile
    for _ in range(SUGGEST_TRIES):
        profile = Profile.of(user_id)
        if profile.username is not None:
            db.session.commit()
            return profile
        user = db.session.get(User, user_id)
        profile.username = suggest_username(user.display_name if user else "", user_id)
        try:
            db.session.commit()
            return profile
        except IntegrityError:  # another request took that name meanwhile: suggest again
            db.session.rollback()
    _unavailable("could not choose a username, try again")


def current() -> tuple[User, Profile]:
    """The signed-in caller's replica row (fetched from auth if sync has not brought it yet)
    and named profile; 401 if they are not an active user."""
    user_id = sessions.viewer_session(required=True).user_id
    user = db.session.get(User, user_id)
    if user is None:
        me = _auth("me", sessions.presented_token())
        if me.status != 200:
            abort(401, errors={"token": ["is invalid or expired"]})
        adopt(me.body)
        user = db.session.get(User, user_id)
    if user is None or user.status != "active":
        abort(401, errors={"token": ["is invalid or expired"]})
    return user, named(user_id)


def update(user: User, profile: Profile, changes: dict) -> Profile:
    """``PUT /user``. Username, bio and image live on the socweb profile; the email and the password
    are changed on the auth server, as this session's user, which asks for a recent sign-in (a
    RealWorld client sends no current password): a new address gets a confirmation link and the old
    one a notice; a new password ends the user's other sessions. The username is checked first, so
    a taken one changes nothing."""
    username = (changes.get("username") or "").lower()
    if username and username != profile.username and Profile.username_taken(username, user.id):
        abort(422, errors=TAKEN)
    email, token = (changes.get("email") or "").strip().lower(), sessions.presented_token()
    if email and email != user.email.lower():
        moved = _auth("change_email", token, email)
        if not moved.ok:
            _refuse(moved)
        adopt(moved.body)
    if changes.get("password"):
        changed = _auth("change_password", token, changes["password"])
        if not changed.ok:
            _refuse(changed)
    if username:
        profile.username = username
    for name in ("bio", "image"):
        if name in changes:
            setattr(profile, name, changes[name] or None)  # "" clears it
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(422, errors=TAKEN)
    return profile
