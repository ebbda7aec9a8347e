"""Reads open to callers who are not signed in: the market pages (listings, coin pages and history,
global metrics) while ``AXA_CMC_PUBLIC_READS`` is on, and shared watchlists always.

    @blp.route("")
    class Listings(MethodView):
        @public_read(blp)                      # in place of @blp.login_required
        @blp.arguments(ListingQuerySchema, location="query")
        @blp.response(200, ListingSchema(many=True), headers=CACHE_HEADERS)
        def get(self, query): ...

Who calls is the session check's answer (one Redis round trip, only when a credential is
presented). A caller without a live session is anonymous: rate limited per client address
(``AXA_CMC_ANON_LIMITS``, 429 with Retry-After); a signed-in caller is never counted. Every 200
carries an ``ETag`` (SHA-1 of the body and its X-Pagination) and a ``Cache-Control``:
``public, max-age=AXA_CMC_PUBLIC_MAX_AGE`` for an anonymous market page (a CDN or a browser may
keep it), ``public, no-cache`` for an anonymous shared watchlist (kept, but revalidated on every
use, so a revoked link stops at once), ``private, no-cache`` for a signed-in caller. A GET whose
``If-None-Match`` names the current ETag is answered 304, with those headers and no body.

flask-smorest's ``Blueprint.etag`` was read first: it hashes a second, key-sorted JSON dump of the
result, and its 304 goes through the error handler without the ETag and Cache-Control that RFC
9110 §15.4.5 requires on a 304. Hashing the body already encoded costs one SHA-1.
"""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from flask import Response, current_app, request

from axa.platform import ratelimit
from axa.platform.api import RETRY_AFTER, SIGNED_IN, Blueprint, ErrorSchema
from axa.platform.auth_hook import optional_session, unauthorized

OPTIONAL_SESSION = [{}, *SIGNED_IN]  # open to all; a session lifts the anonymous limit
ANONYMOUS_SCOPE = "cmc.anonymous"
IF_NONE_MATCH = {"in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
                 "description": "The ETag of an answer already held: while it is current, 304 without a body"}
CACHE_HEADERS = {
    "ETag": {"description": "The answer's entity tag (send it back in If-None-Match)",
             "schema": {"type": "string"}},
    "Cache-Control": {"description": "Anonymous: `public, max-age=<s>` (market pages) or `public, no-cache` "
                                     "(shared watchlists); signed in: `private, no-cache`",
                      "schema": {"type": "string"}},
}
SWITCHED_OFF = "Public reads are switched off here (AXA_CMC_PUBLIC_READS=0): sign in"


def public_read(blp: Blueprint, shared: bool = False) -> Callable:
    """Open the view to anonymous callers (see the module docstring) and document it: optional
    session, If-None-Match, 304, 429 with Retry-After and, unless ``shared``, the 401 of a
    deployment that switched public reads off. Goes where ``login_required`` would."""
    def decorate(func: Callable) -> Callable:
        documented = blp.doc(security=OPTIONAL_SESSION, parameters=[IF_NONE_MATCH])(
            blp.alt_response(304, description="Not Modified: the If-None-Match ETag is current",
                             headers=CACHE_HEADERS)(
                blp.alt_response(429, schema=ErrorSchema, headers=RETRY_AFTER,
                                 description="Anonymous callers: too many reads from this address")(func)))
        if not shared:
            documented = blp.alt_response(401, schema=ErrorSchema, description=SWITCHED_OFF)(documented)

        @functools.wraps(documented)
        def wrapper(*args, **kwargs):
            settings = current_app.config["AXA"]
            anonymous = optional_session() is None
            if anonymous:
                if not (shared or settings.cmc_public_reads):
                    unauthorized()
                ratelimit.hit(ANONYMOUS_SCOPE, request.remote_addr or "unknown", settings.cmc_anon_limits)
            cache = cache_control(anonymous, shared, settings.cmc_public_max_age)
            return conditional(func(*args, **kwargs), cache)
        return wrapper
    return decorate


def cache_control(anonymous: bool, shared: bool, max_age: int) -> str:
    if not anonymous:
        return "private, no-cache"
    return "public, no-cache" if shared else f"public, max-age={max_age}"


def conditional(response: Response, cache: str) -> Response:
    """Tag a 200 and set its Cache-Control; 304 (no body) when If-None-Match names the tag."""
    if response.status_code != 200:
        return response
    digest = hashlib.sha1(response.get_data(), usedforsecurity=False)
    digest.update(response.headers.get("X-Pagination", "").encode())
    etag = digest.hexdigest()
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache
    if request.if_none_match.contains_weak(etag):
        response.status_code = 304  # Werkzeug sends a 304 without its body and entity headers
    return response
