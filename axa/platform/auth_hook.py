"""The session hook every subsystem runs: who is calling, decided by Redis alone.

``login_required`` both enforces and documents 401 in the OpenAPI spec.
"""
from __future__ import annotations

import functools

import redis
from flask import current_app, g, request
from flask_smorest import abort

from axa.platform.redis_client import get_redis
from axa.platform.sessions import Session, SessionStore


def session_store() -> SessionStore:
    settings = current_app.config["AXA"]
    clock = current_app.config.get("AXA_CLOCK")
    kwargs = {"clock": clock} if clock else {}
    return SessionStore(get_redis(), settings.session_idle_seconds,
                        settings.session_absolute_seconds, **kwargs)


def presented_credential() -> tuple[str | None, str | None]:
    """Return (session id, how) from ``Authorization: Bearer`` or the session cookie."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip(), "bearer"
    cookie = request.cookies.get(current_app.config["AXA"].cookie_name)
    return (cookie, "cookie") if cookie else (None, None)


def load_session() -> None:
    """before_request: one Redis round trip when a credential is presented."""
    g.session, g.auth_via, g.session_error = None, None, None
    session_id, how = presented_credential()
    if not session_id:
        return
    g.auth_via = how
    try:
        g.session = session_store().validate(session_id)
    except redis.RedisError:
        g.session_error = "session store unavailable"


def current_session() -> Session:
    if getattr(g, "session_error", None):
        abort(503, message="Session store unavailable, try again shortly.",
              headers={"Retry-After": "5"})
    session = getattr(g, "session", None)
    if session is None:
        abort(401, message="Authentication required.")
    return session


def login_required(view):
    """Enforce a valid session and document the 401 response."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        current_session()
        return view(*args, **kwargs)

    doc = getattr(view, "_apidoc", {})
    responses = doc.setdefault("response", {}).setdefault("responses", {})
    responses.setdefault(401, {"description": "Not signed in, or the session has ended."})
    wrapper._apidoc = doc
    return wrapper
