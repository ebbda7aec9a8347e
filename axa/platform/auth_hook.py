"""The session hook every subsystem runs: who is calling, decided by Redis alone.

``login_required`` both enforces and documents 401 in the OpenAPI spec. A view marked with
``with_replica_user`` also gets the caller's replica row from the same Redis round trip
(``replica_cache_hit``); the session check itself is never cached.
"""
from __future__ import annotations

import functools

import redis
from flask import Flask, Request, current_app, g, request
from flask_smorest import abort

from axa.platform.redis_client import client_for
from axa.platform.sessions import REPLICA_PREFIX, Session, SessionStore


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


def with_replica_user(view):
    """Mark a view: its session check also reads the caller's replica row (one round trip)."""
    view.axa_replica_user = True
    return view


def _replica_prefix(app: Flask, req: Request) -> str:
    """The replica-cache prefix for a ``with_replica_user`` view, else ''; memoised per endpoint."""
    if req.endpoint is None:  # unrouted: nothing to fetch, and nothing to remember
        return ""
    known = app.extensions.setdefault("axa_replica_views", {})
    key = (req.endpoint, req.method)  # a routed request's method is one its rule allows
    if key not in known:
        view = app.view_functions.get(req.endpoint)
        handler = getattr(getattr(view, "view_class", None), req.method.lower(), view)
        marked = getattr(handler, "axa_replica_user", False)
        known[key] = REPLICA_PREFIX.format(subsystem=app.config["AXA_SUBSYSTEM"]) if marked else ""
    return known[key]


def _credential(app: Flask, req: Request) -> tuple[str | None, str | None]:
    header = req.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip(), "bearer"
    cookie = req.cookies.get(app.config["AXA"].cookie_name)
    return (cookie, "cookie") if cookie else (None, None)


def presented_credential() -> tuple[str | None, str | None]:
    """Return (session id, how) from ``Authorization: Bearer`` or the session cookie."""
    return _credential(current_app._get_current_object(), request._get_current_object())


def load_session() -> None:
    """before_request: one Redis round trip when a credential is presented."""
    app, req, ctx = current_app._get_current_object(), request._get_current_object(), g._get_current_object()
    ctx.session = ctx.auth_via = ctx.session_error = ctx.replica_row = None
    session_id, how = _credential(app, req)
    if not session_id:
        return
    ctx.auth_via = how
    try:
        ctx.session, ctx.replica_row = _store_for(app).validate_with_replica(
            session_id, _replica_prefix(app, req))
    except redis.RedisError:
        ctx.session_error = "session store unavailable"


def replica_cache_hit() -> list | None:
    """The raw replica-cache fields fetched with the session (``with_replica_user`` views)."""
    return getattr(g, "replica_row", None)


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
