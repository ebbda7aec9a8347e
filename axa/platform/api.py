"""The flask-smorest ``Blueprint`` every subsystem's resources use, with the platform's access
decorators: each enforces its rule and documents the answer it gives through flask-smorest's
public ``alt_response``.

    @blp.route("")
    class Me(MethodView):
        @blp.login_required                  # 401 without a live session (documented)
        @blp.response(200, UserSchema)
        def get(self): ...

A view can send its own Redis reads in the session check's round trip: ``reads(pipe,
session_key, **view_kwargs)`` queues them on the pipeline, and their results reach the view as
the keyword argument ``reads`` (used only when the session is live). Parsed arguments reach
``reads`` when ``@blp.arguments(..., as_kwargs=True)`` is placed above the decorator.
"""
from __future__ import annotations

import functools
import http
from collections.abc import Callable

import flask_smorest
import flask_smorest.error_handler
from flask import current_app
from flask_smorest import abort
from marshmallow import fields
from marshmallow.utils import missing
from webargs.flaskparser import FlaskParser

from axa.platform import idempotency, ratelimit
from axa.platform.auth_hook import check_session, current_session, unauthorized

SIGNED_IN = [{"bearer": []}, {"cookie": []}]  # the security schemes the factory declares
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}


class ArgumentsParser(FlaskParser):
    """webargs' Flask parser, answering 400 (not 500) for JSON that Python's parser gives up on:
    nested past the recursion limit (its C scanner stops there, so this costs no deep parse) or
    an integer past Python's 4,300-digit limit on int conversion; and 422 for a request without
    the JSON body its spec requires (webargs would read a missing body as ``{}``, which a schema
    of optional fields, a PATCH, accepts)."""

    def load_json(self, req, schema):
        try:
            found = super().load_json(req, schema)
        except (RecursionError, ValueError):
            abort(400, message="The JSON body is nested too deeply or holds a number too long.")
        if found is missing:
            abort(422, message="A JSON body is required.",
                  errors={"json": {"_schema": ["Send a JSON body (Content-Type: application/json)."]}})
        return found


class ErrorSchema(flask_smorest.error_handler.ErrorSchema):
    reason = fields.String(metadata={"description": "Some errors only: why, as a stable code a client "
                                                    "can act on (e.g. `duplicate_item`)"})


class Api(flask_smorest.Api):
    """flask-smorest's Api, whose error answers always carry a ``message`` (the README's one
    error shape): an error raised without one (a 404 route, a 413 body) gets its description;
    ``abort(409, message=..., reason="duplicate_item")`` adds a machine-readable ``reason``."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        payload.setdefault("message", error.description or error.name)
        reason = (getattr(error, "data", None) or {}).get("reason")
        if reason:
            payload["reason"] = reason
        return payload, code, headers


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ArgumentsParser()

    def arguments(self, schema, **kwargs):
        """flask-smorest's, with a schema class made an instance once: webargs would build a new
        one on every request (about a tenth of a small endpoint's time)."""
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)

    def alt_response(self, status_code, response=None, **kwargs):
        """flask-smorest's, as documentation only: its wrapper's request-time layer (a context
        lookup and ``ensure_sync`` on every request) is left out; the view is called directly, as
        ``login_required`` does."""
        document = super().alt_response(status_code, response, **kwargs)

        def decorate(func: Callable) -> Callable:
            @functools.wraps(document(func))
            def wrapper(*args, **kwargs):
                return func(*args, **kwargs)
            return wrapper
        return decorate

    def login_required(self, view: Callable | None = None, *, reads: Callable | None = None):
        """Enforce a live session (401, documented); with ``reads``, see the module docstring.

        The documentation comes from flask-smorest's own decorators, applied to the view; the
        wrapper takes it over as every flask-smorest decorator does (``functools.wraps``) and calls
        the view itself, so those doc-only layers cost nothing per request."""
        def decorate(func: Callable) -> Callable:
            documented = self.doc(security=SIGNED_IN)(self.alt_response(401, "UNAUTHORIZED")(func))

            @functools.wraps(documented)
            def wrapper(*args, **kwargs):
                if reads is None:
                    current_session()
                    return func(*args, **kwargs)
                session, found = check_session(lambda pipe, key: reads(pipe, key, **kwargs))
                if session is None:
                    unauthorized()
                return func(*args, reads=found, **kwargs)
            return wrapper
        return decorate(view) if view is not None else decorate

    def requires(self, status: int, check: Callable[[], None]) -> Callable:
        """A decorator running ``check()`` (which aborts with ``status``) before the view, and
        documenting ``status``: e.g. ``admin_required = blp.requires(403, require_admin)``."""
        def decorate(func: Callable) -> Callable:
            # flask-smorest registers a response per status, by its name ("FORBIDDEN")
            documented = self.alt_response(status, http.HTTPStatus(status).name)(func)

            @functools.wraps(documented)
            def wrapper(*args, **kwargs):
                check()
                return func(*args, **kwargs)
            return wrapper
        return decorate

    def idempotent(self, func: Callable) -> Callable:
        """Honour an ``Idempotency-Key`` header (axa/platform/idempotency.py) on a create; goes
        below ``login_required`` (keys are per user) and above ``arguments`` and ``response``."""
        documented = self.doc(parameters=[idempotency.PARAMETER])(
            self.alt_response(409, "CONFLICT", description="The first request with this key is "
                                                          "still running")(func))

        @functools.wraps(documented)
        def wrapper(*args, **kwargs):
            return idempotency.run_once(current_session().user_id, func, *args, **kwargs)
        return wrapper

    def limited(self, scope: str, setting: str) -> Callable:
        """A per-user rate limit: the limits in ``Settings.<setting>`` (e.g. "30 per minute"),
        counted under ``scope``; past them 429 with Retry-After (documented). Goes below
        ``login_required``."""
        def decorate(func: Callable) -> Callable:
            documented = self.alt_response(429, "TOO_MANY_REQUESTS", headers=RETRY_AFTER)(func)

            @functools.wraps(documented)
            def wrapper(*args, **kwargs):
                spec = getattr(current_app.config["AXA"], setting)
                ratelimit.hit(scope, str(current_session().user_id), spec)
                return func(*args, **kwargs)
            return wrapper
        return decorate
