"""Cbonds JSON web services: POST /cbonds/services/json/<operation>/?lang=eng (vendors.md section 3).

Filters on fields a method does not allow are ignored without a word, as the real service does:
the whole dataset comes back. Offsets count records. Every value in ``items`` is a string.
"""
from __future__ import annotations

import time

from flask import Blueprint, Response, g, request

from ops.sandbox.synth.prices import utc_date
from ops.sandbox.vendors.cbonds_data import Context, Table
from ops.sandbox.vendors.cbonds_tradings import TABLES
from ops.sandbox.web import json_body, json_response, sandbox_state

VENDOR = "cbonds"
STRING_VALUES = True
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
DAILY_LIMIT = 10000
CLOSED_OPERATIONS = {"get_flow_new", "get_offert", "get_emission_default", "get_emission_guarantors",
                     "get_floater_coupons", "get_tradings", "get_mpquotes", "get_tradings_realtime",
                     "get_stocks_full", "get_tradings_stocks_full_new", "get_nsd_quotes"}
OPERATORS = {"eq", "ne", "nu", "nn", "lt", "le", "gt", "ge", "in", "ni"}
THROTTLED = "Request limit exceeded: no more than {limit} requests per minute are allowed"
DAILY = "Daily request limit exceeded"

blueprint = Blueprint("cbonds", __name__, url_prefix="/cbonds")


def error(err_no: int, message: str, status: int = 200) -> Response:
    return json_response({"error": {"err_no": err_no, "err_msg": message}}, status)


def _credentials() -> tuple[str | None, str | None]:
    body = json_body()
    auth = body.get("auth") if isinstance(body, dict) else None
    if isinstance(auth, dict):
        return auth.get("login"), auth.get("password")
    return request.args.get("login"), request.args.get("password")


def auth_error(state) -> Response | None:
    login, password = _credentials()
    if login == state.config.cbonds_login and password == state.config.cbonds_password:
        return None
    return error(403, "Authorization error: wrong login or password", 403)


def fault_response(kind: str, spec: dict, state) -> Response:
    status = int(spec.get("status", 200))
    if kind == "rate_limit":
        return error(900000, THROTTLED.format(limit=state.config.rpm.get(VENDOR) or 30), status)
    if kind == "quota_exhausted":
        return error(900000, DAILY, status)
    return error(int(spec.get("status", 500)), "Internal server error", int(spec.get("status", 500)))


def http_error(status: int, message: str) -> Response:
    return error(status, message, status)


class BadRequest(Exception):
    pass


def _compare(left: str, right: str) -> int:
    try:
        a, b = float(left), float(right)
    except ValueError:
        a, b = left, right
    return (a > b) - (a < b)


def _matches(value: str | None, operator: str, operand: str | None) -> bool:
    if operator in ("nu", "nn"):
        return (value in (None, "")) == (operator == "nu")
    if value in (None, ""):
        return operator in ("ne", "ni")
    if operator in ("in", "ni"):
        hit = any(_compare(value, item) == 0 for item in (operand or "").split(";"))
        return hit == (operator == "in")
    order = _compare(value, operand or "")
    return {"eq": order == 0, "ne": order != 0, "lt": order < 0, "le": order <= 0,
            "gt": order > 0, "ge": order >= 0}[operator]


def _filters(body: dict, table: Table) -> list[tuple[str, str, str | None]]:
    parsed = []
    for item in body.get("filters") or []:
        if not isinstance(item, dict):
            raise BadRequest("filters must be objects with field, operator and value")
        operator = str(item.get("operator", "eq")).lower()
        if operator not in OPERATORS:
            raise BadRequest(f"unknown filter operator {operator!r}")
        field = item.get("field")
        if field in table.filterable:  # any other field: silently ignored, like the real service
            value = item.get("value")
            parsed.append((field, operator, None if value is None else str(value)))
    return parsed


def _quantity(body: dict) -> tuple[int, int]:
    quantity = body.get("quantity") or {}
    try:
        limit = int(quantity.get("limit", DEFAULT_LIMIT))
        offset = int(quantity.get("offset", 0))
    except (TypeError, ValueError, AttributeError):
        raise BadRequest("quantity.limit and quantity.offset must be integers")
    return max(0, min(limit, MAX_LIMIT)), max(0, offset)


def _sorted(keys: list, body: dict, table: Table, ctx: Context) -> list:
    for rule in reversed(body.get("sorting") or []):
        field = rule.get("field") if isinstance(rule, dict) else None
        if field not in table.filterable:
            continue
        getter = table.getters[field]
        present = [k for k in keys if getter(k, ctx) not in (None, "")]
        absent = [k for k in keys if getter(k, ctx) in (None, "")]
        descending = str(rule.get("order", "asc")).lower() == "desc"
        present.sort(key=lambda k: _sort_key(getter(k, ctx)), reverse=descending)
        keys = present + absent
    return keys


def _sort_key(value: str):
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)


def _fields(body: dict, table: Table) -> list[str]:
    wanted = [f.get("field") for f in body.get("fields") or [] if isinstance(f, dict)]
    chosen = [name for name in wanted if name in table.getters]
    return chosen or list(table.getters)


def run_query(table: Table, body: dict, ctx: Context) -> dict:
    for part in ("filters", "sorting", "fields"):
        if body.get(part) is not None and not isinstance(body[part], list):
            raise BadRequest(f"{part} must be a list")
    filters, (limit, offset) = _filters(body, table), _quantity(body)
    keys = [k for k in table.keys(ctx)
            if all(_matches(table.getters[f](k, ctx), op, v) for f, op, v in filters)]
    keys = _sorted(keys, body, table, ctx)
    names = _fields(body, table)
    page = keys[offset:offset + limit]
    items = [{name: table.getters[name](k, ctx) for name in names} for k in page]
    return {"count": len(items), "total": len(keys), "limit": limit, "offset": offset, "items": items}


def _meta(state) -> dict:
    window = state.window(VENDOR)
    return {"throttling_per_minute_max": window["limit"], "throttling_per_minute_left": window["remaining"],
            "requests_per_day_max": DAILY_LIMIT}


@blueprint.route("/services/json/<operation>/", methods=["GET", "POST"], strict_slashes=False)
def operation(operation: str):
    table = TABLES.get(operation)
    if table is None:
        closed = operation in CLOSED_OPERATIONS  # the answer is a bare JSON string, as Cbonds does
        return json_response("invalid resource name" if closed else "invalid operation name")
    body = json_body() if request.method == "POST" else {}
    if not isinstance(body, dict):
        return error(400, "Request body must be a JSON object", 400)
    state = sandbox_state()
    ctx = Context(today=utc_date(state.now()), bucket=state.bucket(), tick=state.config.tick_seconds,
                  seed=state.config.seed, memo={})
    try:
        result = run_query(table, body, ctx)
    except BadRequest as exc:
        return error(400, str(exc), 400)
    result["exec_time"] = round(time.monotonic() - g.started, 4)
    result["meta"] = _meta(state)
    return json_response(result)
