"""Who is calling, decided by Redis alone, once per request and only when a view asks.

The credential is the ``Authorization: Bearer`` header or the session cookie. The first call of
``current_session()`` (or of a view decorated with ``login_required``, axa/platform/api.py) checks
it against Redis in one round trip; the answer is kept for the rest of the request and never
cached across requests, so a logout is seen by the next request on every subsystem.
"""
from __future__ import annotations

from typing import NoReturn

import redis
from flask import Flask, current_app, g, request
from flask_smorest import abort

from axa.platform import clock
from axa.platform.redis_client import client_for
from axa.platform.sessions import Reads, Session, SessionStore

_UNCHECKED = object()


def session_store() -> SessionStore:
    return _store_for(current_app._get_current_object())


def _store_for(app: Flask) -> SessionStore:
    """The app's store, rebuilt only when its Redis client, settings or clock change."""
    settings = app.config["AXA"]
    clock = app.config.get("AXA_CLOCK")
    client = client_for(settings.redis_url)
    cached = app.extensions.get("axa_session_store")
    if cached is not None and cached[0] is client and cached[1] is settings and cached[2] is clock:
        return cached[3]
    kwargs = {"clock": clock} if clock else {}
    store = SessionStore(client, settings.session_idle_seconds, settings.session_absolute_seconds,
                         **kwargs)
    app.extensions["axa_session_store"] = (client, settings, clock, store)
    return store


def presented_credential() -> tuple[str | None, str | None]:
    """(session id, "bearer" | "cookie") from the request, or (None, None). No Redis."""
    environ = request.environ
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip(), "bearer"
    if "HTTP_COOKIE" not in environ:  # no cookie at all: nothing to parse (media servers, API clients)
        return None, None
    cookie = request.cookies.get(current_app.config["AXA"].cookie_name)
    return (cookie, "cookie") if cookie else (None, None)


def check_session(reads: Reads | None = None) -> tuple[Session | None, list]:
    """Check the presented session (one Redis round trip, with the commands ``reads`` queues)
    and remember it for the request: (the live session or None, the reads' results: empty
    without a live session). 503 with Retry-After when Redis cannot answer."""
    session_id, _ = presented_credential()
    session, found = None, []
    if session_id:
        try:
            session, found = session_store().validate_with(session_id, reads)
        except redis.RedisError:
            g.axa_session = None
            abort(503, message="Session store unavailable, try again shortly.", headers={"Retry-After": "5"})
    g.axa_session = session
    return session, found


def optional_session() -> Session | None:
    """The live session presented with this request, or None (checked once per request)."""
    session = g.get("axa_session", _UNCHECKED)
    return check_session()[0] if session is _UNCHECKED else session


def current_session() -> Session:
    """The live session presented with this request; 401 without one."""
    session = optional_session()
    if session is None:
        unauthorized()
    return session


def unauthorized() -> NoReturn:
    """The platform's one 401 answer (no live session)."""
    abort(401, message="Authentication required.")


def require_recent_sign_in() -> None:
    """403 (reason ``reauthentication_required``) unless the session proved the password at most
    AXA_REAUTH_MINUTES ago (a sign-in, or ``POST /api/v1/auth/reauthenticate`` on the auth app):
    Kratos' "privileged session", asked by stream-key rotation and by email or password changes
    made without the current password."""
    minutes = current_app.config["AXA"].reauth_minutes
    if clock.now() - current_session().auth_time > minutes * 60:
        abort(403, message=f"Sign in again (or re-authenticate) within {minutes} minutes first.",
              reason="reauthentication_required")
