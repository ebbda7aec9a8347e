"""Financial Modeling Prep, stable API: /fmp/stable/... (vendors.md section 1)."""
from __future__ import annotations

import functools
import threading
from datetime import date, timedelta

from flask import Blueprint, Response, request

from ops.sandbox.faults import dumps
from ops.sandbox.synth.equities import equity_universe
from ops.sandbox.synth.prices import utc_date
from ops.sandbox.vendors import fmp_data
from ops.sandbox.web import csv_arg, json_response, sandbox_state

VENDOR = "fmp"
STRING_VALUES = False
INVALID_KEY = ("Invalid API KEY. Feel free to create a Free API Key or visit "
               "https://site.financialmodelingprep.com/faqs?search=why-is-my-api-key-invalid "
               "for more information.")
LIMIT_REACH = ("Limit Reach . Please upgrade your plan or visit our documentation for more details at "
               "https://site.financialmodelingprep.com/developer/docs/pricing")
LEGACY = ("Legacy Endpoint : Due to Legacy endpoints being no longer supported - only available for legacy "
          "users who have valid subscriptions prior August 31, 2025. Please visit our documentation "
          "https://site.financialmodelingprep.com/developer/docs for the current endpoints.")

blueprint = Blueprint("fmp", __name__, url_prefix="/fmp")


def error(message: str, status: int, headers: dict | None = None) -> Response:
    return json_response({"Error Message": message}, status, headers)


def auth_error(state) -> Response | None:
    key = request.headers.get("apikey") or request.args.get("apikey")
    return None if key == state.config.fmp_key else error(INVALID_KEY, 401)


def fault_response(kind: str, spec: dict, state) -> Response:
    if kind in ("rate_limit", "quota_exhausted"):
        retry = spec.get("retry_after")
        headers = {"Retry-After": str(int(retry))} if retry is not None else {}
        return error(LIMIT_REACH, int(spec.get("status", 429)), headers)
    return error("Internal Server Error", int(spec.get("status", 500)))


def http_error(status: int, message: str) -> Response:
    return error(message, status)


@functools.cache
def _stock_list_bytes(seed: int) -> bytes:
    return dumps(fmp_data.stock_list_rows(equity_universe(seed).items))


def _universe():
    return equity_universe(sandbox_state().config.seed)


@blueprint.get("/stable/stock-list")
def stock_list():
    return Response(_stock_list_bytes(sandbox_state().config.seed), mimetype="application/json")


@blueprint.get("/stable/profile")
def profile():
    state = sandbox_state()
    equity = _universe().by_symbol.get(request.args.get("symbol", ""))
    rows = [fmp_data.profile(equity, state.bucket(), state.config.tick_seconds)] if equity else []
    return json_response(rows)


def _quotes_body(state, equities) -> Response:
    """A JSON array of the quotes of ``equities`` in the current price bucket. Each quote's JSON
    is made once per bucket (the answer for a bucket is deterministic) and kept for the current
    and the buckets before it (``quote_buckets`` in all), so a request is lookups and a join."""
    bucket, tick = state.bucket(), state.config.tick_seconds
    rows = _bucket_rows((state.config.seed, bucket, tick), state.config.quote_buckets)
    missing = [equity for equity in equities if equity.symbol not in rows]
    if missing:
        for equity, part in zip(missing, fmp_data.quotes_json(missing, bucket, tick), strict=True):
            rows[equity.symbol] = part
    return Response(b"[" + b",".join([rows[equity.symbol] for equity in equities]) + b"]",
                    mimetype="application/json")


_buckets: dict[tuple[int, int, int], dict[str, bytes]] = {}
_buckets_lock = threading.Lock()


def _bucket_rows(key: tuple[int, int, int], kept: int) -> dict[str, bytes]:
    rows = _buckets.get(key)
    if rows is None:
        with _buckets_lock:
            rows = _buckets.setdefault(key, {})
            while len(_buckets) > kept:
                del _buckets[next(iter(_buckets))]
    return rows


@blueprint.get("/stable/quote")
def quote():
    equity = _universe().by_symbol.get(request.args.get("symbol", ""))  # a comma list matches nothing: []
    return _quotes_body(sandbox_state(), [equity] if equity else [])


@blueprint.get("/stable/batch-quote")
def batch_quote():
    by_symbol = _universe().by_symbol
    found = [by_symbol[s] for s in dict.fromkeys(csv_arg("symbols")) if s in by_symbol]
    return _quotes_body(sandbox_state(), found)


def _date_arg(name: str, default: date) -> date:
    raw = request.args.get(name)
    return date.fromisoformat(raw) if raw else default


@blueprint.get("/stable/historical-price-eod/full")
def eod_full():
    state = sandbox_state()
    symbol = request.args.get("symbol", "")
    if not symbol:
        return error("Invalid or missing query parameter - symbol", 400)
    today = utc_date(state.now())
    try:
        last = _date_arg("to", today)
        first = _date_arg("from", last - timedelta(days=5 * 365))
    except ValueError:
        return error("Invalid date format. Expected YYYY-MM-DD for 'from' and 'to'", 400)
    equity = _universe().by_symbol.get(symbol)
    return json_response(fmp_data.eod_bars(equity, first, last, state.now()) if equity else [])


@blueprint.route("/api/<version>/<path:rest>", methods=["GET"])
def legacy(version: str, rest: str):
    return error(LEGACY, 403)
