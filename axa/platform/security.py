"""The checks every request passes before its view (``check_request``: the head's limits, the
host, CSRF for cookie-authenticated unsafe requests), CORS answers, and the security headers
(``SecurityHeaders``, a WSGI middleware)."""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_cors.core import get_cors_options, set_cors_headers
from flask_smorest import abort
from werkzeug.sansio.utils import host_is_trusted

from axa.platform import request_limits
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
    environ = request.environ
    if "HTTP_ORIGIN" in environ and environ.get("PATH_INFO", "").startswith(CORS_PATHS):
        set_cors_headers(response, current_app.extensions["axa_cors"])
    return response


def check_request() -> None:
    """The app's one before-request hook, in this order: the request head's limits (414 / 431
    before any other work), the host, CSRF: one hook, with the request and the settings looked up
    once (each hook, and each lookup through a context-local proxy, is several Python calls in
    Flask and werkzeug on every request)."""
    req = request._get_current_object()  # werkzeug's documented way out of the proxy
    request_limits.check_head(req.environ)
    settings = current_app.config["AXA"]
    check_host(req, settings.trusted_hosts)
    if req.method in UNSAFE:
        check_csrf(req, settings.cors_origins)


def check_host(req, trusted) -> None:
    """With ``AXA_TRUSTED_HOSTS`` set (production), refuse any other Host with 400, except on
    ``/health/``: the orchestrator's health check reaches a container by its own address, and
    health answers nothing a forged Host could abuse (no links, no redirects)."""
    if trusted and req.path != HEALTH_PATH and not host_is_trusted(req.host, trusted):
        abort(400, message="Unknown host.")


def check_csrf(req, cors_origins) -> None:
    """Reject an unsafe request that carries the session cookie unless it names an allowed
    origin (``Origin``, else the origin of ``Referer``: the allowlist or this host) and is JSON,
    with or without a body (a browser sends ``application/json`` cross-site only after a
    preflight).

    Bearer-authenticated requests need no defence: browsers never attach them on their own.
    """
    _, how = presented_credential()
    if how != "cookie":
        return
    if req.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403, message="Cross-site request refused.")
    if not origin_allowed(req, cors_origins):
        abort(403, message="Origin not allowed.")
    if req.mimetype != "application/json":
        abort(415, message="Send JSON (Content-Type: application/json).")


def origin_allowed(req, cors_origins) -> bool:
    """Whether ``req`` names an allowed origin: its ``Origin``, else the origin of its
    ``Referer``, is one of ``cors_origins`` (``AXA_CORS_ORIGINS``) or this host."""
    return _claimed_origin(req) in {*cors_origins, req.host_url.rstrip("/")}


def _claimed_origin(req) -> str | None:
    origin = req.headers.get("Origin")
    if origin is not None:
        return origin
    referer = urlsplit(req.headers.get("Referer", ""))
    return f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else None


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


class SecurityHeaders:
    """WSGI middleware (Flask's documented ``app.wsgi_app`` wrapping): every answer gets each
    security header its view did not set itself, the docs pages their own CSP, API answers
    ``Cache-Control: no-store``, production HSTS. The headers are constants, so they join the
    header list as it is sent, in one pass: as an after-request hook they went through werkzeug's
    ``Headers.add`` checks one by one, some forty Python calls a request."""

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        wanted = _wanted(path.startswith("/api/v1/docs"), path.startswith(API_PATHS),
                         self.app.config["AXA"].production)

        def start(status, headers, exc_info=None):
            held = {name.lower() for name, _ in headers}
            headers.extend([(name, value) for name, value, low in wanted if low not in held])
            return start_response(status, headers, exc_info)
        return self.wsgi_app(environ, start)
