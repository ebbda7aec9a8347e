"""The control API under /_sandbox: faults, the request log, the clock, health.

Only for the developer's own tools: a loopback caller, naming a loopback host (``localhost``,
``127.0.0.1`` or ``[::1]``, any port: a page on another name that DNS rebinding points at 127.0.0.1
still sends that name), and JSON for every request with a body. A web page the developer opens can
POST cross-site without a preflight only as text/plain, a form or multipart, which get 415; DELETE
always needs a preflight, which the sandbox never grants (no CORS headers). The vendor endpoints
are not touched: they answer as the real vendors do.
"""
from __future__ import annotations

import ipaddress
import re

from flask import Blueprint, abort, request

from ops.sandbox.faults import KINDS, FaultError
from ops.sandbox.state import VENDORS
from ops.sandbox.synth.bonds import CBONDS_RANGE, TERRAPIN_RANGE
from ops.sandbox.synth.crypto import ACTIVE_COUNT, INACTIVE_COUNT
from ops.sandbox.synth.equities import EQUITY_COUNT
from ops.sandbox.synth.prices import utc_iso_ms
from ops.sandbox.web import json_body, json_response, sandbox_state

blueprint = Blueprint("sandbox_control", __name__, url_prefix="/_sandbox")


LOOPBACK_HOST = re.compile(r"(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?", re.IGNORECASE)
BODY_METHODS = {"POST", "PUT", "PATCH"}


@blueprint.before_request
def loopback_only():
    try:
        loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        abort(403, "the sandbox control API answers loopback callers only")
    if not LOOPBACK_HOST.fullmatch(request.headers.get("Host", "")):
        abort(403, "the sandbox control API answers loopback host names only (localhost, 127.0.0.1, [::1])")
    if request.method in BODY_METHODS and request.mimetype != "application/json":
        abort(415, "send JSON (Content-Type: application/json)")


def _vendor(vendor: str) -> str:
    if vendor not in VENDORS:
        abort(404, f"unknown vendor {vendor!r}; known: {', '.join(VENDORS)}")
    return vendor


@blueprint.get("/health")
def health():
    state = sandbox_state()
    return json_response({
        "status": "ok", "vendors": list(VENDORS), "time": utc_iso_ms(state.now()),
        "tick_seconds": state.config.tick_seconds, "bucket": state.bucket(), "seed": state.config.seed,
        "universe": {"equities": EQUITY_COUNT, "crypto_active": ACTIVE_COUNT,
                     "crypto_inactive": INACTIVE_COUNT, "cbonds_bonds": len(CBONDS_RANGE),
                     "terrapin_bonds": len(TERRAPIN_RANGE)},
        "rate_windows": {v: state.window(v) for v in VENDORS},
    })


@blueprint.get("/faults")
def all_faults():
    return json_response({"faults": sandbox_state().faults.snapshot(), "kinds": list(KINDS)})


@blueprint.delete("/faults")
def clear_all_faults():
    state = sandbox_state()
    for vendor in VENDORS:
        state.reset_vendor(vendor)
    return json_response({"faults": state.faults.snapshot()})


@blueprint.get("/faults/<vendor>")
def vendor_faults(vendor: str):
    return json_response({"vendor": vendor, "faults": sandbox_state().faults.snapshot()[_vendor(vendor)]})


@blueprint.post("/faults/<vendor>")
def set_faults(vendor: str):
    body = json_body()
    if not isinstance(body, dict) or not body:
        abort(400, f"send a JSON object of faults, e.g. {{\"rate_limit\": {{\"count\": 3}}}}; kinds: {KINDS}")
    try:
        armed = sandbox_state().faults.set(_vendor(vendor), body)
    except FaultError as exc:
        abort(400, str(exc))
    return json_response({"vendor": vendor, "faults": armed})


@blueprint.delete("/faults/<vendor>")
def clear_faults(vendor: str):
    sandbox_state().reset_vendor(_vendor(vendor))
    return json_response({"vendor": vendor, "faults": {}})


@blueprint.get("/requests")
def requests_log():
    vendor = request.args.get("vendor") or None
    if vendor is not None:
        _vendor(vendor)
    limit = request.args.get("limit", type=int) or 5000
    return json_response({"requests": sandbox_state().requests(vendor, limit)})


@blueprint.delete("/requests")
def clear_requests_log():
    sandbox_state().clear_requests()
    return json_response({"requests": []})


@blueprint.get("/clock")
def get_clock():
    state = sandbox_state()
    return json_response({"now": state.now(), "offset_seconds": state.clock_offset, "bucket": state.bucket()})


@blueprint.post("/clock")
def shift_clock():
    body = json_body()
    advance = body.get("advance_seconds") if isinstance(body, dict) else None
    if isinstance(advance, bool) or not isinstance(advance, int | float):
        abort(400, 'send {"advance_seconds": <number>}')
    state = sandbox_state()
    with state.lock:
        state.clock_offset += float(advance)
    return get_clock()


@blueprint.delete("/clock")
def reset_clock():
    state = sandbox_state()
    with state.lock:
        state.clock_offset = 0.0
    return get_clock()
