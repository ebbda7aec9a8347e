"""The Conduit face's error answers: ``{"errors": {"<what>": ["<message>", …]}}`` for every 4xx and
5xx a Conduit view gives (RealWorld's error-handling spec), never the platform's native shape.

Validation problems name the request field (``{"errors": {"username": ["has already been
taken"]}}``, 422); other failures name what they are about so that ``"<key> <message>"`` reads
as a sentence, as the RealWorld frontends print it (``{"errors": {"article": ["not found"]}}``,
``{"errors": {"token": ["is missing"]}}``). Headers an error carries (``Retry-After``) are kept.

Installed with Flask's public error-handler registration: on each Conduit blueprint for every
exception its views raise (``install``), and app-wide for 404 and 405, which routing raises before
any blueprint is known (``routing_error`` answers the Conduit shape under ``/conduit/api/`` and,
elsewhere, what the app's flask-smorest Api answers, as Flask's docs advise for blueprint 404s).
"""
from __future__ import annotations

import redis
import sqlalchemy.exc
from flask import current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from axa.platform import errors as platform_errors

PREFIX = "/conduit/api/"
# what a failure without field errors is about, by status
SUBJECT = {400: "request", 401: "token", 403: "permission", 404: "resource", 405: "method",
           409: "request", 413: "request", 415: "request", 429: "requests", 503: "service"}
UNAVAILABLE = (redis.RedisError, sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)


def body(status: int, errors: dict[str, list[str]], headers: dict | None = None):
    response = jsonify({"errors": errors})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten(messages) -> dict[str, list[str]]:
    """webargs' messages (``{"json": {"user": {"email": ["…"]}}}``) as ``{"email": ["…"]}``: each
    list under the name of the field that holds it; a list for a whole location under ``body``."""
    found: dict[str, list[str]] = {}

    def walk(name: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():  # list positions and "_schema" speak for the field
                walk(name if isinstance(key, int) or key == "_schema" else str(key), inner)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(name, item)
        else:
            found.setdefault(name, []).append(str(value))

    for value in (messages or {}).values():  # the location (json, query, path) is not a field
        walk("body", value)
    return found


def from_http(exc: HTTPException):
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or flatten(data.get("messages"))
    if any(not isinstance(value, list) for value in errors.values()):  # by location, as webargs'
        errors = flatten(errors)
    if not errors:
        message = data.get("message") or exc.description or exc.name
        errors = {SUBJECT.get(status, "server"): [message]}
    headers = dict(data.get("headers") or {})
    if isinstance(exc, MethodNotAllowed):
        headers["Allow"] = ", ".join(sorted(exc.valid_methods or ()))
    return body(status, errors, headers)


def conduit_error(exc: Exception):
    """Every exception a Conduit view raises, in the Conduit shape (the platform decides status
    and message for the non-HTTP ones: unavailable stores 503, values the database refuses 400)."""
    if isinstance(exc, HTTPException):
        return from_http(exc)
    if isinstance(exc, UNAVAILABLE):
        native = platform_errors.handle_unavailable(exc)
    elif isinstance(exc, sqlalchemy.exc.DataError):
        native = platform_errors.handle_bad_value(exc)
    else:
        native = platform_errors.handle_unexpected(exc)
    subject = SUBJECT.get(native.status_code, "server")
    retry = {"Retry-After": native.headers["Retry-After"]} if "Retry-After" in native.headers else {}
    return body(native.status_code, {subject: [native.get_json()["message"]]}, retry)


def routing_error(exc: NotFound | MethodNotAllowed):
    """No Conduit route has this path (404) or method (405)."""
    if request.path.startswith(PREFIX):
        return from_http(exc)
    if isinstance(exc, MethodNotAllowed):
        return platform_errors.handle_method_not_allowed(exc)
    return current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].handle_http_exception(exc)


def install(blueprint) -> None:
    blueprint.register_error_handler(Exception, conduit_error)


def install_app(app) -> None:
    app.register_error_handler(MethodNotAllowed, routing_error)
    app.register_error_handler(NotFound, routing_error)
