"""The session hook every subsystem runs: who is calling, decided by Redis alone.

``login_required`` both enforces and documents 401 in the OpenAPI spec. A view marked with
``rides_session`` has a read of its own run in the session check's Redis round trip (``ridden``):
the caller's replica row (``with_replica_user``), the latest quotes. The session check itself is
never cached.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

import redis
from flask import Flask, Request, current_app, g, request
from flask_smorest import abort

from axa.platform.redis_client import client_for
from axa.platform.sessions import LEASE_SECONDS, REPLICA_PREFIX, REPLICA_RIDER, Rider, Session, SessionStore


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


RiderArgs = Callable[[Flask, Request], "list | None"]


def rides_session(rider: Rider, args_from: RiderArgs):
    """Mark a view: for a request with a credential, ``rider`` runs in the session check's round
    trip with the arguments ``args_from(app, request)`` gives (None: it does not ride this time).
    The view reads the result with ``ridden()``; a view must still work when nothing rode."""
    def mark(view):
        view.axa_rider = (rider, args_from)
        return view
    return mark


def _replica_args(app: Flask, _req: Request) -> list:
    return [REPLICA_PREFIX.format(subsystem=app.config["AXA_SUBSYSTEM"]), LEASE_SECONDS]


def with_replica_user(view):
    """Mark a view: its session check also reads the caller's replica row (one round trip)."""
    return rides_session(REPLICA_RIDER, _replica_args)(view)


def _rider_for(app: Flask, req: Request) -> tuple[Rider, RiderArgs] | None:
    """The endpoint's ``rides_session`` mark, memoised per endpoint and method."""
    if req.endpoint is None:  # unrouted: nothing to fetch, and nothing to remember
        return None
    known = app.extensions.setdefault("axa_riders", {})
    key = (req.endpoint, req.method)  # a routed request's method is one its rule allows
    if key not in known:
        view = app.view_functions.get(req.endpoint)
        handler = getattr(getattr(view, "view_class", None), req.method.lower(), view)
        known[key] = getattr(handler, "axa_rider", None)
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
    ctx.session = ctx.auth_via = ctx.session_error = ctx.ridden = None
    session_id, how = _credential(app, req)
    if not session_id:
        return
    ctx.auth_via = how
    marked = _rider_for(app, req)
    args = marked[1](app, req) if marked else None
    try:
        ctx.session, ctx.ridden = _store_for(app).validate_with(
            session_id, marked[0] if args is not None else None, args or ())
    except redis.RedisError:
        ctx.session_error = "session store unavailable"


def ridden():
    """What the view's rider returned in the session check (with the arguments its ``args_from``
    gave), or None when nothing rode (no session, or the arguments did not parse)."""
    return getattr(g, "ridden", None)


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

    wrapper._apidoc = documented(view, 401, "Not signed in, or the session has ended.")
    return wrapper


def documented(view, status: int, description: str) -> dict:
    """``view``'s flask-smorest doc with one more response (as ``Blueprint.alt_response`` stores
    one: a list per status code, each entry a description), unless ``status`` is documented."""
    doc = getattr(view, "_apidoc", {})
    responses = doc.setdefault("response", {}).setdefault("responses", {})
    if status not in responses:
        responses[status] = [{"description": description, "content_type": None}]
    return doc
