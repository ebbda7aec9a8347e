"""The Blueprint every Conduit resource uses: mounted under ``/conduit/api``, answering errors in
the Conduit shape (errors.py) and documenting them, and its two access decorators.

    @blp.route("/user")
    class CurrentUser(MethodView):
        @blp.token_required             # 401 without a live session; Token and bearer documented
        @blp.response(200, UserResponseSchema)
        @blp.fails(422)                 # the Conduit error body for 422 (and every other error)
        def get(self): ...

``token_optional`` is for reads that show more to a signed-in caller (``following``,
``favorited``): no token is fine, a dead one is 401.
"""
from __future__ import annotations

import functools
import http
from collections.abc import Callable

from marshmallow import Schema, fields
from werkzeug.routing import BaseConverter

from axa.blueprints.socweb.conduit import errors, sessions
from axa.platform.api import RETRY_AFTER, Blueprint

PREFIX = "/conduit/api"
TOKEN_SCHEME = {"type": "apiKey", "in": "header", "name": "Authorization", "description": (
    "RealWorld's scheme: `Authorization: Token <token>`, the token being the platform session id "
    "that register and login return (it is also valid as `Authorization: Bearer <token>` on every "
    "app of the platform).")}
SIGNED_IN = [{"Token": []}, {"bearer": []}]


class ConduitErrorSchema(Schema):
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True,
                         metadata={"description": "What failed (a request field, or the token, "
                                   "article, profile…) -> messages; `<key> <message>` reads as a sentence",
                                   "example": {"body": ["can't be blank"]}})


def error_response(description: str, status: int | None = None) -> dict:
    response = {"description": description,
                "content": {"application/json": {"schema": ConduitErrorSchema}}}
    if status == 429:
        response["headers"] = RETRY_AFTER
    return response


class SlugConverter(BaseConverter):
    """``<conduit_slug:slug>``: a path segment other than ``feed``, so ``/articles/feed`` matches
    only its own rule (and OPTIONS there advertises only its own methods)."""

    regex = r"(?!feed$)[^/]+"


def with_charset(response):
    """RealWorld asks for ``Content-Type: application/json; charset=utf-8``."""
    if response.mimetype == "application/json":
        response.headers["Content-Type"] = "application/json; charset=utf-8"
    return response


class ConduitBlueprint(Blueprint):
    def __init__(self, name: str, import_name: str, **kwargs) -> None:
        super().__init__(name, import_name, url_prefix=PREFIX, **kwargs)
        errors.install(self)
        self.after_request(with_charset)
        self.record_once(lambda state: state.app.url_map.converters.setdefault("conduit_slug", SlugConverter))

    def register_views_in_doc(self, api, app, spec, *, name, parameters):
        """flask-smorest's, after declaring the ``Token`` security scheme once per spec."""
        if "Token" not in spec.components.security_schemes:
            spec.components.security_scheme("Token", TOKEN_SCHEME)
        return super().register_views_in_doc(api, app, spec, name=name, parameters=parameters)

    def response(self, status_code, schema=None, **kwargs) -> Callable:
        """flask-smorest's, with the Conduit error body documented as the default response."""
        respond = super().response(status_code, schema, **kwargs)
        return lambda func: self.doc(responses={"default": error_response("An error")})(respond(func))

    def fails(self, *statuses: int, **descriptions: str) -> Callable:
        """Document error statuses with the Conduit error body; ``descriptions`` by ``_<status>``."""
        responses = {str(status): error_response(descriptions.get(f"_{status}")
                                                 or http.HTTPStatus(status).phrase, status)
                     for status in statuses}
        return self.doc(responses=responses)

    def token_required(self, func: Callable) -> Callable:
        documented = self.doc(security=SIGNED_IN, responses={
            "401": error_response("No token, or not a live session")})(func)

        @functools.wraps(documented)
        def wrapper(*args, **kwargs):
            sessions.viewer_session(required=True)
            return func(*args, **kwargs)
        return wrapper

    def token_optional(self, func: Callable) -> Callable:
        documented = self.doc(responses={
            "401": error_response("A token that is not a live session (none is fine)")})(func)

        @functools.wraps(documented)
        def wrapper(*args, **kwargs):
            sessions.viewer_session(required=False)
            return func(*args, **kwargs)
        return wrapper
