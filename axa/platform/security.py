"""CSRF defence for cookie-authenticated unsafe requests, and security headers."""
from __future__ import annotations

from flask import current_app, request
from flask_smorest import abort

from axa.platform.auth_hook import presented_credential

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: "
            "https://cdn.jsdelivr.net; connect-src *; frame-ancestors 'none'")


def check_csrf() -> None:
    """Reject cross-site unsafe requests that carry the session cookie.

    Bearer-authenticated requests need no defence: browsers never attach them on their own.
    """
    if request.method not in UNSAFE:
        return
    _, how = presented_credential()
    if how != "cookie":
        return
    settings = current_app.config["AXA"]
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403, message="Cross-site request refused.")
    origin = request.headers.get("Origin")
    if origin is not None and origin not in settings.cors_origins and origin != request.host_url.rstrip("/"):
        abort(403, message="Origin not allowed.")
    if request.content_length and request.mimetype != "application/json":
        abort(415, message="Send JSON (Content-Type: application/json).")


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    docs = request.path.startswith("/api/v1/docs")
    headers.setdefault("Content-Security-Policy",
                       DOCS_CSP if docs else "default-src 'none'; frame-ancestors 'none'")
    if current_app.config["AXA"].production:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.path.startswith("/api/"):
        headers.setdefault("Cache-Control", "no-store")
    return response
