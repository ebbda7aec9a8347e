"""CSRF defence for cookie-authenticated unsafe requests, and security headers."""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_cors.core import get_cors_options, set_cors_headers
from flask_smorest import abort
from werkzeug.sansio.utils import host_is_trusted

from axa.platform.auth_hook import presented_credential

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Swagger UI, served by the app itself: its page has one inline script (flask-smorest's template)
# and its components set inline styles; the spec is fetched from the same origin. No third party.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'")


HEALTH_PATH = "/health/"
API_PATHS = ("/api/", "/conduit/api/")  # the platform's APIs, and socweb's RealWorld face
CORS_PATHS = (*API_PATHS, HEALTH_PATH)


def cors_options(app: Flask):
    """flask-cors' options for the platform's policy: the exact origins of ``AXA_CORS_ORIGINS``,
    credentials allowed, nothing sent to other origins (security.md item 15)."""
    return get_cors_options(app, {"origins": list(app.config["AXA"].cors_origins),
                                  "supports_credentials": True, "always_send": False})


def add_cors_headers(response):
    """flask-cors' CORS headers (``set_cors_headers``, as its ``cross_origin`` decorator applies
    them: allowed origin, credentials, preflight answers) on the requests that carry an ``Origin``.
    Without one flask-cors adds nothing (``always_send`` off), but its app-wide after_request
    still cost ~24 us on every such request: auth_me went from 0.82 to 0.87 of its floor."""
    if "Origin" in request.headers and request.path.startswith(CORS_PATHS):
        set_cors_headers(response, current_app.extensions["axa_cors"])
    return response


def check_host() -> None:
    """With ``AXA_TRUSTED_HOSTS`` set (production), refuse any other Host with 400, except on
    ``/health/``: the orchestrator's health check reaches a container by its own address, and
    health answers nothing a forged Host could abuse (no links, no redirects)."""
    trusted = current_app.config["AXA"].trusted_hosts
    if trusted and request.path != HEALTH_PATH and not host_is_trusted(request.host, trusted):
        abort(400, message="Unknown host.")


def check_csrf() -> None:
    """Reject unsafe requests that carry the session cookie unless they name an allowed origin
    (``Origin``, else the origin of ``Referer``: the allowlist or this host) and are JSON, with
    or without a body (a browser sends ``application/json`` cross-site only after a preflight).

    Bearer-authenticated requests need no defence: browsers never attach them on their own.
    """
    if request.method not in UNSAFE:
        return
    _, how = presented_credential()
    if how != "cookie":
        return
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403, message="Cross-site request refused.")
    if _claimed_origin() not in _allowed_origins():
        abort(403, message="Origin not allowed.")
    if request.mimetype != "application/json":
        abort(415, message="Send JSON (Content-Type: application/json).")


def _claimed_origin() -> str | None:
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin
    referer = urlsplit(request.headers.get("Referer", ""))
    return f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else None


def _allowed_origins() -> set[str]:
    return {*current_app.config["AXA"].cors_origins, request.host_url.rstrip("/")}


API_CSP = "default-src 'none'; frame-ancestors 'none'"
BASE_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                ("X-Frame-Options", "DENY"))


@functools.lru_cache(maxsize=8)
def _wanted(docs: bool, api: bool, production: bool) -> tuple[tuple[str, str, str], ...]:
    """The security headers a response of that kind gets: (name, value, lower-case name)."""
    items = [*BASE_HEADERS, ("Content-Security-Policy", DOCS_CSP if docs else API_CSP)]
    if production:
        items.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    if api:
        items.append(("Cache-Control", "no-store"))
    return tuple((name, value, name.lower()) for name, value in items)


def add_security_headers(response):
    """Add each security header the view did not set itself (one pass over the headers)."""
    path = request.path
    wanted = _wanted(path.startswith("/api/v1/docs"), path.startswith(API_PATHS),
                     current_app.config["AXA"].production)
    held = {name.lower() for name in response.headers.keys()}
    response.headers.extend([(name, value) for name, value, low in wanted if low not in held])
    return response
