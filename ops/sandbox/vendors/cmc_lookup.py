"""CoinMarketCap endpoints that look coins up by id, slug or symbol, and the account endpoints."""
from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from flask import request

from ops.sandbox.synth.crypto import Coin, CryptoUniverse
from ops.sandbox.synth.prices import utc_iso_ms
from ops.sandbox.vendors import cmc_data
from ops.sandbox.vendors.cmc import (
    PLAN,
    BadParam,
    blueprint,
    converts,
    int_param,
    invalid,
    ok,
    ordered,
    snapshot,
)
from ops.sandbox.web import csv_arg, sandbox_state


def lookup(universe: CryptoUniverse) -> tuple[dict[str, list[Coin]], bool]:
    """Coins keyed as v2 keys them (by id, or by symbol with a list each); True when keyed by symbol."""
    given = {name: csv_arg(name) for name in ("id", "slug", "symbol") if csv_arg(name)}
    if len(given) != 1:
        raise BadParam('"value" must contain exactly one of [id, symbol, slug]')
    (name, values), = given.items()
    skip_invalid = request.args.get("skip_invalid", "true").lower() != "false"
    found: dict[str, list[Coin]] = {}
    for raw in values:
        coins = _resolve(universe, name, raw)
        if not coins and not skip_invalid:
            raise invalid(name, raw)
        if coins:
            found[raw.upper() if name == "symbol" else str(coins[0].id)] = coins
    if not found:
        raise invalid(name, ",".join(values))
    return found, name == "symbol"


def _resolve(universe: CryptoUniverse, name: str, raw: str) -> list[Coin]:
    if name == "symbol":
        return list(universe.by_symbol.get(raw.upper(), ()))
    if name == "slug":
        coin = universe.by_slug.get(raw.lower())
        return [coin] if coin else []
    if not raw.isdigit():
        raise invalid("id", raw)
    coin = universe.by_id.get(int(raw))
    return [coin] if coin else []


@blueprint.get("/v2/cryptocurrency/quotes/latest")
def quotes_latest():
    wanted = converts()
    universe, table, ranks, when = snapshot()
    found, by_symbol = lookup(universe)
    data = {key: [cmc_data.quotes_record(c, table, ranks, wanted, when) for c in coins] if by_symbol
            else cmc_data.quotes_record(coins[0], table, ranks, wanted, when) for key, coins in found.items()}
    count = sum(len(coins) for coins in found.values())
    return ok(data, max(1, math.ceil(count / 100)) + len(wanted) - 1)


@blueprint.get("/v2/cryptocurrency/info")
def info():
    universe, _, _, _ = snapshot()
    found, by_symbol = lookup(universe)
    data = {key: [cmc_data.info_record(c) for c in coins] if by_symbol else cmc_data.info_record(coins[0])
            for key, coins in found.items()}
    count = sum(len(coins) for coins in found.values())
    return ok(data, max(1, math.ceil(count / 100)))


@blueprint.get("/v1/cryptocurrency/map")
def crypto_map():
    start, limit = int_param("start", 1, 1, 10**9), int_param("limit", 5000, 1, 5000)
    statuses = csv_arg("listing_status") or ["active"]
    sort = request.args.get("sort", "id")
    if any(s not in ("active", "inactive", "untracked") for s in statuses):
        raise invalid("listing_status", request.args["listing_status"])
    if sort not in ("id", "cmc_rank"):
        raise invalid("sort", sort)
    universe, table, ranks, _ = snapshot()
    symbols = {s.upper() for s in csv_arg("symbol")}
    coins = [c for c in universe.coins if ("active" if c.is_active else "inactive") in statuses
             and (not symbols or c.symbol in symbols)]
    rows = ordered(coins, table, ranks, sort, False)[start - 1:start - 1 + limit]
    return ok([cmc_data.map_record(c, ranks) for c in rows], 1, total_count=len(coins))


@blueprint.get("/v1/global-metrics/quotes/latest")
def global_metrics():
    wanted = converts()
    universe, table, ranks, when = snapshot()
    return ok(cmc_data.global_metrics(universe.coins, table, ranks, wanted, when), len(wanted))


def _humanize(delta: timedelta) -> str:
    hours, rest = divmod(int(delta.total_seconds()), 3600)
    days, hours = divmod(hours, 24)
    prefix = f"In {days} days, " if days else "In "
    return f"{prefix}{hours} hours, {rest // 60} minutes"


@blueprint.get("/v1/key/info")
def key_info():
    state = sandbox_state()
    now = datetime.fromtimestamp(state.now(), UTC)
    day_reset = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    month_reset = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=UTC)
    used_day = state.cmc_credits.get(f"day:{now:%Y-%m-%d}", 0)
    used_month = state.cmc_credits.get(f"month:{now:%Y-%m}", 0)
    window = state.window("cmc")
    plan = {**PLAN, "rate_limit_minute": window["limit"],
            "credit_limit_daily_reset": _humanize(day_reset - now),
            "credit_limit_daily_reset_timestamp": utc_iso_ms(day_reset.timestamp()),
            "credit_limit_monthly_reset": _humanize(month_reset - now),
            "credit_limit_monthly_reset_timestamp": utc_iso_ms(month_reset.timestamp())}
    usage = {"current_minute": {"requests_made": window["used"], "requests_left": window["remaining"]},
             "current_day": {"credits_used": used_day,
                             "credits_left": max(0, PLAN["credit_limit_daily"] - used_day)},
             "current_month": {"credits_used": used_month,
                               "credits_left": max(0, PLAN["credit_limit_monthly"] - used_month)}}
    return ok({"plan": plan, "usage": usage}, 0)
