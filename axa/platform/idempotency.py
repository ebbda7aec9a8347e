"""``Idempotency-Key`` on creates (DESIGN.md §9): a retry with the same key and body gets the
first answer again; the same key with another body is 422; a retry while the first is still
running is 409.

Keys are per user and per operation: ``axa:idem:<subsystem>:<user id>:<endpoint>:<sha256(key)>``
holds ``{"state": "running"}`` while the first request runs, then its answer (status, body and
the headers a client acts on) for ``AXA_IDEMPOTENCY_SECONDS``. Only successful answers are kept:
an error answer (4xx, or an exception) frees the key, so a corrected retry is not stuck with it.
"""
from __future__ import annotations

import hashlib
import json
import re

from flask import Response, current_app, request
from flask_smorest import abort

from axa.platform.redis_client import get_redis

HEADER = "Idempotency-Key"
KEY_SHAPE = re.compile(r"^[\x21-\x7e]{1,255}$")
RUNNING_SECONDS = 60  # a first request that died leaves its key this long at most
KEPT_HEADERS = ("Content-Type", "Location", "Link")
PARAMETER = {"in": "header", "name": HEADER, "required": False,
             "schema": {"type": "string", "pattern": KEY_SHAPE.pattern},
             "description": "Makes the create safe to retry: the same key with the same body gets "
                            "the first answer again (kept 24 h); with another body, 422."}


def run_once(user_id: int, view, *args, **kwargs) -> Response:
    """Run ``view`` (which returns a Response) at most once per key; without a key, just run it."""
    key = request.headers.get(HEADER)
    if key is None:
        return view(*args, **kwargs)
    if not KEY_SHAPE.match(key):
        abort(400, message=f"{HEADER} must be 1 to 255 visible ASCII characters.")
    redis_key = _redis_key(user_id, key)
    fingerprint = hashlib.sha256(request.method.encode() + b" " + request.full_path.encode()
                                 + b"\n" + request.get_data()).hexdigest()
    client = get_redis()
    if not client.set(redis_key, json.dumps({"state": "running", "fingerprint": fingerprint}),
                      nx=True, ex=RUNNING_SECONDS):
        return _replay(client.get(redis_key), fingerprint)
    try:
        response = view(*args, **kwargs)
    except BaseException:
        client.delete(redis_key)
        raise
    if response.status_code >= 400:
        client.delete(redis_key)
        return response
    client.set(redis_key, json.dumps(_stored(response, fingerprint)),
               ex=current_app.config["AXA"].idempotency_seconds)
    return response


def _redis_key(user_id: int, key: str) -> str:
    subsystem = current_app.config["AXA_SUBSYSTEM"]
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"axa:idem:{subsystem}:{user_id}:{request.endpoint}:{digest}"


def _stored(response: Response, fingerprint: str) -> dict:
    return {"state": "done", "fingerprint": fingerprint, "status": response.status_code,
            "body": response.get_data(as_text=True),
            "headers": {h: response.headers[h] for h in KEPT_HEADERS if h in response.headers}}


def _replay(raw: str | None, fingerprint: str) -> Response:
    if raw is None:  # the first answer expired between our SET and GET: a conflict, retryable
        abort(409, message="This Idempotency-Key was just released; retry.")
    stored = json.loads(raw)
    if stored["fingerprint"] != fingerprint:
        abort(422, message=f"This {HEADER} was used with a different request.",
              errors={"headers": {HEADER: ["Already used with a different request."]}})
    if stored["state"] != "done":
        abort(409, message=f"A request with this {HEADER} is still in progress; retry later.",
              headers={"Retry-After": "1"})
    response = Response(stored["body"], status=stored["status"], headers=stored["headers"])
    response.headers["Idempotent-Replayed"] = "true"
    return response
