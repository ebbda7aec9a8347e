"""One JSON error shape for every 4xx/5xx: ``{"code", "status", "message"[, "errors"]}``."""
from __future__ import annotations

import logging

import redis
import sqlalchemy.exc
from flask import jsonify
from werkzeug.exceptions import HTTPException, MethodNotAllowed

log = logging.getLogger(__name__)


def _body(code: int, status: str, message: str):
    response = jsonify({"code": code, "status": status, "message": message})
    response.status_code = code
    return response


def handle_unavailable(exc: Exception):
    log.warning("dependency unavailable: %s", type(exc).__name__)
    response = _body(503, "Service Unavailable", "A backing service is unavailable, try again shortly.")
    response.headers["Retry-After"] = "5"
    return response


def handle_bad_value(exc: Exception):
    """A value the database cannot hold (out-of-range number, NUL byte): the client's input."""
    log.info("rejected a value the database cannot hold: %s", type(exc.orig).__name__)
    return _body(400, "Bad Request", "A value in the request is out of range or malformed.")


def handle_method_not_allowed(exc: MethodNotAllowed):
    """405 with the methods the route does allow (RFC 9110 §15.5.6), on every route."""
    response = _body(405, exc.name, exc.description)
    response.headers["Allow"] = ", ".join(sorted(exc.valid_methods or ()))
    return response


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):  # handled by flask-smorest; keep it JSON anyway
        return _body(exc.code or 500, exc.name, exc.description or exc.name)
    log.exception("unhandled error")
    return _body(500, "Internal Server Error", "Something went wrong on our side.")


def register_error_handlers(app) -> None:
    app.register_error_handler(redis.RedisError, handle_unavailable)
    app.register_error_handler(sqlalchemy.exc.OperationalError, handle_unavailable)
    app.register_error_handler(sqlalchemy.exc.InterfaceError, handle_unavailable)
    app.register_error_handler(sqlalchemy.exc.DataError, handle_bad_value)
    app.register_error_handler(MethodNotAllowed, handle_method_not_allowed)
    app.register_error_handler(Exception, handle_unexpected)
