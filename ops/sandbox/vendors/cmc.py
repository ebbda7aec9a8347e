"""CoinMarketCap Pro API: /cmc/v1/... and /cmc/v2/... (vendors.md section 2)."""
from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from flask import Blueprint, Response, g, request

from ops.sandbox.synth.crypto import Coin, crypto_universe, usd_table
from ops.sandbox.synth.prices import utc_iso_ms
from ops.sandbox.vendors import cmc_data
from ops.sandbox.web import csv_arg, json_response, sandbox_state

VENDOR = "cmc"
STRING_VALUES = False
PLAN = {"credit_limit_daily": 4000, "credit_limit_monthly": 120000}
MESSAGES = {
    1001: "This API Key is invalid.", 1002: "API key missing.",
    1008: "You've exceeded your API Key's HTTP request rate limit. Rate limits reset every minute.",
    1009: "You've exceeded your API Key's daily rate limit.",
}

blueprint = Blueprint("cmc", __name__, url_prefix="/cmc")


class BadParam(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def invalid(name: str, value) -> BadParam:
    return BadParam(f'Invalid value for "{name}": "{value}"')


def _status(error_code: int, message: str | None, credits: int, **extra) -> dict:
    started = g.get("started", time.monotonic())
    return {"timestamp": utc_iso_ms(sandbox_state().now()), "error_code": error_code,
            "error_message": message, "elapsed": int((time.monotonic() - started) * 1000),
            "credit_count": credits, "notice": None, **extra}


def error(code: int, http_status: int, message: str | None = None, headers: dict | None = None) -> Response:
    status = _status(code, message or MESSAGES.get(code, "Error"), 0)
    return json_response({"status": status}, http_status, headers)


def auth_error(state) -> Response | None:
    key = request.headers.get("X-CMC_PRO_API_KEY") or request.args.get("CMC_PRO_API_KEY")
    if not key:
        return error(1002, 401)
    return None if key == state.config.cmc_key else error(1001, 401)


def fault_response(kind: str, spec: dict, state) -> Response:
    retry = spec.get("retry_after")
    headers = {"Retry-After": str(int(retry))} if retry is not None else {}
    if kind == "rate_limit":
        return error(1008, int(spec.get("status", 429)), headers=headers)
    if kind == "quota_exhausted":
        return error(1009, int(spec.get("status", 429)), headers=headers)
    status = int(spec.get("status", 500))
    return error(status, status, "An internal server error occurred.")


def http_error(status: int, message: str) -> Response:
    return error(status, status, message)


@blueprint.errorhandler(BadParam)
def bad_param(exc: BadParam):
    return error(400, 400, exc.message)


def ok(data, credits: int, **extra) -> Response:
    state = sandbox_state()
    today = datetime.fromtimestamp(state.now(), UTC)
    state.charge_cmc(credits, today.strftime("%Y-%m-%d"), today.strftime("%Y-%m"))
    return json_response({"status": _status(0, None, credits, **extra), "data": data})


def int_param(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(name, raw)
    if not low <= value <= high:
        raise invalid(name, raw)
    return value


def converts() -> list[tuple[str, str]]:
    """(currency code, key of the quote map) per requested conversion; USD by default."""
    names, ids = csv_arg("convert"), csv_arg("convert_id")
    if names and ids:
        raise BadParam('"convert" and "convert_id" cannot be used together')
    if ids:
        unknown = [i for i in ids if i not in cmc_data.CONVERT_IDS]
        if unknown:
            raise invalid("convert_id", unknown[0])
        return [(cmc_data.CONVERT_IDS[i], i) for i in ids[:120]]
    codes = [n.upper() for n in names] or ["USD"]
    for code in codes:
        if code not in cmc_data.FIAT_PER_USD and code not in cmc_data.CRYPTO_CONVERTS:
            raise invalid("convert", code)
    return [(c, c) for c in dict.fromkeys(codes[:120])]


def snapshot():
    state = sandbox_state()
    table, ranks = usd_table(state.config.seed, state.bucket(), state.config.tick_seconds)
    return crypto_universe(state.config.seed), table, ranks, state.bucket_time()


def ordered(coins: list[Coin], table: dict, ranks: dict, sort: str, descending: bool) -> list[Coin]:
    present = [c for c in coins if cmc_data.sort_value(c, table, ranks, sort) is not None]
    missing = [c for c in coins if cmc_data.sort_value(c, table, ranks, sort) is None]
    present.sort(key=lambda c: cmc_data.sort_value(c, table, ranks, sort), reverse=descending)
    return present + missing


@blueprint.get("/v1/cryptocurrency/listings/latest")
def listings_latest():
    start, limit = int_param("start", 1, 1, 10**9), int_param("limit", 100, 1, 5000)
    sort, direction = request.args.get("sort", "market_cap"), request.args.get("sort_dir", "desc")
    kind = request.args.get("cryptocurrency_type", "all")
    if sort not in cmc_data.SORTS or sort in ("id", "cmc_rank"):
        raise invalid("sort", sort)
    if direction not in ("asc", "desc"):
        raise invalid("sort_dir", direction)
    if kind not in ("all", "coins", "tokens"):
        raise invalid("cryptocurrency_type", kind)
    wanted = converts()
    universe, table, ranks, when = snapshot()
    coins = [c for c in universe.coins
             if c.is_active and (kind == "all" or (kind == "tokens") == bool(c.platform))]
    page = ordered(coins, table, ranks, sort, direction == "desc")[start - 1:start - 1 + limit]
    data = [cmc_data.coin_record(c, table, ranks, wanted, when) for c in page]
    credits = max(1, math.ceil(len(page) / 200)) + len(wanted) - 1
    return ok(data, credits, total_count=len(coins))
