"""Terrapin Finance: POST /terrapin/api/v1/bond_* (vendors.md section 4)."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask import Blueprint, Response, request

from ops.sandbox.synth.bonds import TERRAPIN_RANGE, bond_universe
from ops.sandbox.synth.prices import day_of, utc_date
from ops.sandbox.synth.rand import valid_isin
from ops.sandbox.vendors import terrapin_data as td
from ops.sandbox.vendors.terrapin_search import search_bonds
from ops.sandbox.web import json_body, json_response, sandbox_state

VENDOR = "terrapin"
STRING_VALUES = False
MAX_ROWS = 1000

blueprint = Blueprint("terrapin", __name__, url_prefix="/terrapin")


class Invalid(Exception):
    def __init__(self, pointer: str, detail: str) -> None:
        super().__init__(detail)
        self.pointer, self.detail = pointer, detail


def errors(detail: str, status: int, reason: str | None = None, headers: dict | None = None) -> Response:
    item = {"detail": detail, **({"reason": reason} if reason else {})}
    return json_response({"errors": [item]}, status, headers)


def auth_error(state) -> Response | None:
    if request.headers.get("Authorization", "") == f"Bearer {state.config.terrapin_key}":
        return None
    return errors("Incorrect or no bearer token", 401)


def fault_response(kind: str, spec: dict, state) -> Response:
    retry = spec.get("retry_after")
    headers = {"retry-after": str(int(retry))} if retry is not None else {}
    if kind == "rate_limit":
        return errors("Too Many Requests", int(spec.get("status", 429)), headers=headers)
    if kind == "quota_exhausted":
        return errors("Monthly ISIN quota exhausted for your subscription tier", int(spec.get("status", 403)),
                      "isin_quota_exceeded", headers)
    return errors("Internal Server Error", int(spec.get("status", 500)))


def http_error(status: int, message: str) -> Response:
    return errors(message, status)


def after_response(response: Response, state) -> None:
    window = state.window(VENDOR)
    limit = window["limit"]
    response.headers["ratelimit-policy"] = f"{limit};w=60"
    response.headers["ratelimit"] = f"limit={limit}, remaining={window['remaining']}, reset={window['reset']}"
    response.headers["request-id"] = uuid.uuid4().hex


@blueprint.errorhandler(Invalid)
def invalid(exc: Invalid):
    item = {"title": "Invalid value", "detail": exc.detail, "source": {"pointer": exc.pointer}}
    return json_response({"errors": [item]}, 422)


def body() -> dict:
    data = json_body()
    if data is None and request.get_data():
        raise Invalid("/", "Malformed JSON request body")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Invalid("/", "Request body must be a JSON object")
    return data


def date_field(data: dict, name: str, default: date | None) -> date | None:
    raw = data.get(name)
    if raw is None:
        return default
    if isinstance(raw, str) and len(raw) == 10:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise Invalid(f"/{name}", "must be a date in YYYY-MM-DD format")


def isin_list(data: dict) -> list[str]:
    raw = data.get("isins")
    if not isinstance(raw, list) or not raw:
        raise Invalid("/isins", "is required and must be a non-empty list of ISINs")
    if len(raw) > MAX_ROWS:
        raise Invalid("/isins", f"must contain at most {MAX_ROWS} ISINs")
    isins = []
    for i, value in enumerate(raw):
        isin = value.strip().upper() if isinstance(value, str) else ""
        if not valid_isin(isin):
            raise Invalid(f"/isins/{i}", "is not a valid ISIN (12 characters with a valid check digit)")
        isins.append(isin)
    return list(dict.fromkeys(isins))


def known_bonds(isins: list[str]) -> list:
    state = sandbox_state()
    by_isin = bond_universe(state.config.seed).by_isin
    return [by_isin[i] for i in isins if i in by_isin and by_isin[i].index in TERRAPIN_RANGE]


@blueprint.post("/api/v1/bond_search")
def bond_search():
    state = sandbox_state()
    return json_response(search_bonds(body(), state, Invalid))


@blueprint.post("/api/v1/bond_reference")
def bond_reference():
    today = utc_date(sandbox_state().now())
    rows = [td.reference_record(b, today) for b in known_bonds(isin_list(body()))]
    return json_response({"data": rows, "total": len(rows)})


@blueprint.post("/api/v1/bond_pricing_latest")
def bond_pricing_latest():
    state = sandbox_state()
    data = body()
    today = utc_date(state.now())
    as_of = date_field(data, "as_of_date", today)
    if as_of > today:
        raise Invalid("/as_of_date", "must not be in the future")
    day = day_of(td.latest_day(as_of))
    live = state.bucket() if day == today else None
    rows = []
    for bond in known_bonds(isin_list(data)):
        if td.priced(bond, day):
            point = td.pricing_point(bond, day, live, state.config.tick_seconds)
            rows.append({"isin": bond.isin, **{k: point[k] for k in ("date", "price", "yield_to_maturity",
                                                                    "duration")}})
    return json_response({"data": rows, "total": len(rows)})


@blueprint.post("/api/v1/bond_pricing_history")
def bond_pricing_history():
    state = sandbox_state()
    data = body()
    raw = data.get("isin")
    isin = raw.strip().upper() if isinstance(raw, str) else ""
    if not valid_isin(isin):
        raise Invalid("/isin", "is required and must be a valid ISIN")
    today = utc_date(state.now())
    end = min(date_field(data, "end_date", today), today)
    start = date_field(data, "start_date", end - timedelta(days=365))
    if start > end:
        raise Invalid("/start_date", "must not be after end_date")
    bonds = known_bonds([isin])
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    matches = [(b, d) for b in bonds for d in days if d.weekday() < 5 and td.priced(b, d)]
    live, tick = state.bucket(), state.config.tick_seconds
    rows = [td.pricing_point(b, d, live if d == today else None, tick) for b, d in matches[:MAX_ROWS]]
    return json_response({"data": rows, "total": len(matches)})
