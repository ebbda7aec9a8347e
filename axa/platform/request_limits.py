"""The platform's limits on a request's head, answered as JSON like every other error.

* the request target (path and query string, as sent): at most ``MAX_URI_BYTES`` -> 414;
* each header field (name and value): at most ``MAX_FIELD_BYTES``, and at most ``MAX_HEADER_FIELDS``
  distinct header names -> 431.

The server in front must let such requests through for the app to answer them: ops/gunicorn.conf.py
sets gunicorn's own limits above these (gunicorn's refusals are HTML), and in production Traefik
bounds the whole head (``maxHeaderBytes`` in ops/compose.yaml). The limits are gunicorn's former
defaults, rounded: a request that passed gunicorn before passes here.
"""
from __future__ import annotations

from flask_smorest import abort

MAX_URI_BYTES = 8192
MAX_FIELD_BYTES = 8192
MAX_HEADER_FIELDS = 100
UNPREFIXED = ("CONTENT_TYPE", "CONTENT_LENGTH")  # the two headers WSGI names without HTTP_


def _target_length(environ: dict) -> int:
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is not None:
        return len(raw)  # WSGI strings are latin-1: one character per byte sent
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    return len(path) + (len(query) + 1 if query else 0)


def _head_too_large(environ: dict) -> bool:
    """More than MAX_HEADER_FIELDS header names, or a field over MAX_FIELD_BYTES (one pass, the
    common case costs a few microseconds)."""
    count, longest = 0, MAX_FIELD_BYTES + len("HTTP_")
    for key, value in environ.items():
        if key[:5] == "HTTP_":
            count += 1
            if len(key) + len(value) > longest:
                return True
    unprefixed = [len(key) + len(environ[key]) for key in UNPREFIXED if environ.get(key)]
    return count + len(unprefixed) > MAX_HEADER_FIELDS or max(unprefixed, default=0) > MAX_FIELD_BYTES


def check_head(environ: dict) -> None:
    """The first check of every request (security.check_request, the app's before-request hook):
    414 for a too-long request target, 431 for a too-large header field or too many of them."""
    if _target_length(environ) > MAX_URI_BYTES:
        abort(414, message=f"The request URI is longer than {MAX_URI_BYTES} bytes.")
    if _head_too_large(environ):
        abort(431, message=f"Header fields too large: at most {MAX_HEADER_FIELDS} fields of "
                           f"{MAX_FIELD_BYTES} bytes each (name and value).")
