"""Who calls the Conduit face: ``Authorization: Token <session id>`` (RealWorld's scheme) or
``Bearer <session id>`` (the platform's), checked against the platform's session store in Redis.

The session is kept in ``g.axa_session``, where the platform's own helpers (``current_session``,
per-user rate limits) find it, so it is checked once per request. No cookie: the Conduit
frontends send the header, and a cookie-borne request would need the CSRF defence.
"""
from __future__ import annotations

import redis
from flask import g, request
from flask_smorest import abort

from axa.platform.auth_hook import session_store
from axa.platform.sessions import Session

SCHEMES = ("token", "bearer")


def presented_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() in SCHEMES and token else None


def viewer_session(required: bool) -> Session | None:
    """The caller's live session. No token: None, or 401 when ``required``; a token that is not
    a live session: 401 either way (RealWorld answers 401 on the optional reads too)."""
    if "axa_session" not in g:
        token = presented_token()
        g.axa_session = None
        if token is not None:
            try:
                g.axa_session = session_store().validate(token)
            except redis.RedisError:
                abort(503, errors={"service": ["is unavailable, try again shortly"]},
                      headers={"Retry-After": "5"})
            if g.axa_session is None:
                abort(401, errors={"token": ["is invalid or expired"]})
    if g.axa_session is None and required:
        abort(401, errors={"token": ["is missing"]})
    return g.axa_session


def viewer_id() -> int | None:
    """The signed-in caller's user id, or None (optional authentication)."""
    session = viewer_session(required=False)
    return session.user_id if session else None
