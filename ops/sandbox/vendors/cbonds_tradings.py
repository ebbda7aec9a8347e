"""The Cbonds get_tradings_new table: a row per bond per trading day of the last 40 calendar days.

Prices are percent of nominal, as strings. Today's rows follow the live price (the clock's time
bucket); earlier days are fixed. Some rows carry no trades (empty ``last_price``, volume "0"), and
a few have every price "0", as the real feed does.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

from ops.sandbox.synth.bond_math import analytics, bond_price_bucket, bond_price_daily
from ops.sandbox.synth.bonds import CBONDS_RANGE, bond_universe
from ops.sandbox.synth.prices import day_number, day_of, is_trading_day
from ops.sandbox.synth.rand import unit
from ops.sandbox.vendors.cbonds_data import EMISSIONS, EMITENTS, Context, Getter, Table, s

GROUNDS = {"US": ("3", "TRACE"), "DE": ("2", "Frankfurt SE"), "GB": ("4", "London SE")}
DEFAULT_GROUND = ("1", "Cbonds Estimation")
HISTORY_DAYS = 40


def trading_days(today: date) -> list[int]:
    last = day_number(today)
    return [n for n in range(last, last - HISTORY_DAYS, -1) if is_trading_day(n)]


def _trading_keys(ctx: Context) -> list:
    bonds = bond_universe(ctx.seed).bonds
    issued = [(bonds[i], day_number(bonds[i].issue_date)) for i in CBONDS_RANGE]
    return [(n, bond) for n in trading_days(ctx.today) for bond, first in issued
            if n >= first and (bond.maturity is None or day_of(n) <= bond.maturity)]


def _quote(key, ctx: Context) -> dict:
    cached = ctx.memo.get(id(key))
    if cached is not None:
        return cached
    number, bond = key
    day = day_of(number)
    years_left = (bond.maturity - day).days / 365.25 if bond.maturity else 30.0
    if day == ctx.today:
        price = bond_price_bucket(bond, ctx.bucket, ctx.tick, years_left)
    else:
        price = bond_price_daily(bond, number, years_left)
    roll = unit(bond.seed, 41, number)
    spread = 0.05 + unit(bond.seed, 42) * 0.6
    quote = {"mid": price, "bid": price - spread / 2, "ask": price + spread / 2, "zero": roll < 0.03,
             "traded": roll > 0.25, "risk": analytics(bond, price, day),
             "ask_risk": analytics(bond, price + spread / 2, day)}
    ctx.memo[id(key)] = quote
    return quote


def _price(field: str) -> Getter:
    def get(key, ctx: Context) -> str | None:
        q = _quote(key, ctx)
        if q["zero"]:
            return "0"
        if field == "last" and not q["traded"]:
            return ""
        return f"{q[field if field != 'last' else 'mid']:.4f}"
    return get


def _update_time(key, ctx: Context) -> str:
    day = day_of(key[0])
    if day == ctx.today:
        moment = datetime.fromtimestamp(ctx.bucket * ctx.tick, UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return f"{day} 18:00:00"


def _ground(key) -> tuple[str, str]:
    return GROUNDS.get(key[1].issuer.country[1], DEFAULT_GROUND)


def _volume(key, ctx: Context) -> str | None:
    return s(int(unit(key[1].seed, 43, key[0]) * 5e7)) if _quote(key, ctx)["traded"] else "0"


TRADING_GETTERS: dict[str, Getter] = {
    "id": lambda k, c: f"{k[1].cbonds_id}{k[0]}",
    "emission_id": lambda k, c: k[1].cbonds_id,
    "isin_code": lambda k, c: k[1].isin,
    "date": lambda k, c: s(day_of(k[0])),
    "trading_ground_id": lambda k, c: _ground(k)[0],
    "trading_ground_name_eng": lambda k, c: _ground(k)[1],
    "buying_quote": _price("bid"),
    "selling_quote": _price("ask"),
    "last_price": _price("last"),
    "avar_price": _price("mid"),
    "indicative_price": _price("mid"),
    "clear_price": _price("mid"),
    "ytm_bid": lambda k, c: s(round(_quote(k, c)["risk"]["yield_to_maturity"], 4)),
    "ytm_offer": lambda k, c: s(round(_quote(k, c)["ask_risk"]["yield_to_maturity"], 4)),
    "current_yield": lambda k, c: s(round(k[1].coupon / _quote(k, c)["mid"] * 100, 4)),
    "duration": lambda k, c: s(round(_quote(k, c)["risk"]["duration"] * 365)),
    "volume": _volume,
    "trade_type": lambda k, c: "1",
    "update_time": _update_time,
    "updating_date": lambda k, c: s(day_of(k[0])),
}
TRADINGS = Table(TRADING_GETTERS, frozenset({"emission_id", "isin_code", "date", "trading_ground_id",
                                             "updating_date"}), _trading_keys)
TABLES = {"get_emissions": EMISSIONS, "get_emitents": EMITENTS, "get_tradings_new": TRADINGS}
