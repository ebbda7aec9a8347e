"""Bond price, yield, duration and coupon-date arithmetic for the synthetic bonds.

Prices are percent of nominal. A bond's price drifts on the shared price curve around a level set
by its coupon, and is pulled to par as maturity approaches. Yield is the usual approximation,
duration and convexity are computed from the cash flows at that yield.
"""
from __future__ import annotations

import calendar
from datetime import date

from ops.sandbox.synth.prices import bucket_price, daily_close


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def years_between(first: date, last: date) -> float:
    return (last - first).days / 365.25


def next_coupon_date(maturity: date | None, issue: date, frequency: int, today: date) -> date | None:
    """The first coupon date after ``today`` on the schedule anchored at maturity (or issue)."""
    if frequency <= 0:
        return None
    step = 12 // frequency
    if maturity is None:
        current = issue
        while current <= today:
            current = add_months(current, step)
        return current
    if maturity <= today:
        return None
    current = maturity
    while add_months(current, -step) > today:
        current = add_months(current, -step)
    return current


def pull_to_par(raw: float, years_left: float) -> float:
    weight = min(1.0, max(years_left, 0.0) / 3.0)
    return 100.0 + (raw - 100.0) * weight


def bond_price_daily(bond, number: int, years_left: float) -> float:
    return pull_to_par(daily_close(bond.seed, bond.price_level, 0.05, number), years_left)


def bond_price_bucket(bond, bucket: int, tick: int, years_left: float) -> float:
    return pull_to_par(bucket_price(bond.seed, bond.price_level, 0.05, bucket, tick), years_left)


def yield_to_maturity(coupon: float, price: float, years_left: float) -> float:
    """Percent; the textbook approximation (coupon + pull to par per year) / average price."""
    years = max(years_left, 0.05)
    return (coupon + (100.0 - price) / years) / ((100.0 + price) / 2.0) * 100.0


def risk_measures(coupon: float, frequency: int, ytm: float, years_left: float) -> dict:
    """Macaulay and modified duration (years) and convexity from the cash flows at ``ytm``."""
    freq = frequency if frequency > 0 else 1
    periods = max(1, round(min(years_left, 50.0) * freq))
    rate = ytm / 100.0 / freq
    if rate <= -0.99:
        rate = -0.99
    coupon_flow = coupon / freq
    value = weighted = convex = 0.0
    for k in range(1, periods + 1):
        flow = coupon_flow + (100.0 if k == periods else 0.0)
        discounted = flow / (1.0 + rate) ** k
        value += discounted
        weighted += k * discounted
        convex += k * (k + 1) * discounted
    macaulay = weighted / value / freq
    modified = macaulay / (1.0 + rate)
    convexity = convex / value / (freq * freq) / (1.0 + rate) ** 2
    return {"duration": macaulay, "modified_duration": modified, "convexity": convexity}


def analytics(bond, price: float, today: date) -> dict:
    """Price, yield and risk for ``bond`` at ``price`` on ``today``."""
    years_left = years_between(today, bond.maturity) if bond.maturity else 30.0
    ytm = yield_to_maturity(bond.coupon, price, years_left)
    risk = risk_measures(bond.coupon, bond.frequency, ytm, years_left)
    return {"price": price, "yield_to_maturity": ytm, **risk}
