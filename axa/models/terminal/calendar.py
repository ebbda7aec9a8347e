"""The NYSE's calendar, by rule (no dependency; the rules are NYSE Rule 7.2 as the exchange
publishes its holiday and early-close tables, checked against them for 2026 and 2027 in
tests/models/test_terminal_calendar.py).

Full holidays: New Year's Day, Martin Luther King Jr. Day (3rd Monday of January), Washington's
Birthday (3rd Monday of February), Good Friday, Memorial Day (last Monday of May), Juneteenth
(from 2022), Independence Day, Labor Day (1st Monday of September), Thanksgiving (4th Thursday of
November) and Christmas. A fixed-date holiday on a Saturday is observed the Friday before and on a
Sunday the Monday after, except New Year's Day on a Saturday, which is not observed (the Friday
before closes a year).

Early closes, at 13:00 New York time: July 3 when it is a weekday and not itself the observed
Independence Day, the day after Thanksgiving, and December 24 when it is a weekday and not itself
the observed Christmas."""
from __future__ import annotations

from datetime import date, time, timedelta
from functools import lru_cache

EARLY_CLOSE = time(13, 0)


def easter(year: int) -> date:
    """Easter Sunday (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    sunday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * sunday) // 451
    month, day = divmod(h + sunday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (Monday 0) of the month; ``n`` = -1: the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def observed(day: date) -> date:
    if day.weekday() == 5:
        return day - timedelta(days=1)
    return day + timedelta(days=1) if day.weekday() == 6 else day


@lru_cache(maxsize=64)
def holidays(year: int) -> frozenset[date]:
    days = {nth_weekday(year, 1, 0, 3), nth_weekday(year, 2, 0, 3), easter(year) - timedelta(days=2),
            nth_weekday(year, 5, 0, -1), observed(date(year, 7, 4)), nth_weekday(year, 9, 0, 1),
            nth_weekday(year, 11, 3, 4), observed(date(year, 12, 25))}
    new_year = date(year, 1, 1)
    if new_year.weekday() != 5:
        days.add(observed(new_year))
    if year >= 2022:
        days.add(observed(date(year, 6, 19)))
    return frozenset(days)


@lru_cache(maxsize=64)
def early_closes(year: int) -> frozenset[date]:
    days = {nth_weekday(year, 11, 3, 4) + timedelta(days=1)}
    for day in (date(year, 7, 3), date(year, 12, 24)):
        if day.weekday() < 5 and day not in holidays(year):
            days.add(day)
    return frozenset(days)


def is_trading_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def close_time(day: date, regular: time) -> time:
    return EARLY_CLOSE if day in early_closes(day.year) else regular


def next_trading_day(day: date) -> date:
    """``day`` if it is one, else the next trading day."""
    while not is_trading_day(day):
        day += timedelta(days=1)
    return day


def previous_trading_day(day: date) -> date:
    """``day`` if it is one, else the last trading day before it."""
    while not is_trading_day(day):
        day -= timedelta(days=1)
    return day
