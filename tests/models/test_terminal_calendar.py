"""The NYSE calendar (axa/models/terminal/calendar.py) against the exchange's published tables for
2026 and 2027, and what it does to the terminal's hours: no session on a holiday, an early close at
13:00, ``day`` orders expiring at the close that really comes next."""
from __future__ import annotations

from datetime import UTC, date, datetime

from axa.models.terminal.calendar import early_closes, easter, holidays
from axa.models.terminal.market_hours import is_open, last_close, session_close, window_start

NYSE_2026 = {date(2026, 1, 1), date(2026, 1, 19), date(2026, 2, 16), date(2026, 4, 3), date(2026, 5, 25),
             date(2026, 6, 19), date(2026, 7, 3), date(2026, 9, 7), date(2026, 11, 26), date(2026, 12, 25)}
NYSE_2027 = {date(2027, 1, 1), date(2027, 1, 18), date(2027, 2, 15), date(2027, 3, 26), date(2027, 5, 31),
             date(2027, 6, 18), date(2027, 7, 5), date(2027, 9, 6), date(2027, 11, 25), date(2027, 12, 24)}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_holidays_are_the_exchanges_for_2026_and_2027():
    assert holidays(2026) == NYSE_2026
    assert holidays(2027) == NYSE_2027  # Juneteenth and Christmas on a Saturday: the Friday before
    assert date(2027, 12, 31) not in holidays(2027)  # New Year's Day 2028 is a Saturday: not observed
    assert date(2022, 1, 1) not in holidays(2022) and date(2021, 12, 31) not in holidays(2021)
    assert [easter(y) for y in (2026, 2027, 2028)] == [date(2026, 4, 5), date(2027, 3, 28), date(2028, 4, 16)]


def test_early_closes_are_the_exchanges():
    assert early_closes(2026) == {date(2026, 11, 27), date(2026, 12, 24)}  # July 3 is the holiday
    assert early_closes(2027) == {date(2027, 11, 26)}  # December 24 is the holiday
    assert early_closes(2025) == {date(2025, 7, 3), date(2025, 11, 28), date(2025, 12, 24)}


def test_no_session_on_a_holiday_and_none_after_an_early_close():
    assert not is_open("us_equity", utc(2026, 11, 26, 16))  # Thanksgiving, 11:00 in New York
    assert is_open("crypto", utc(2026, 11, 26, 16))
    assert is_open("us_equity", utc(2026, 11, 27, 17, 59))  # 12:59 the day after
    assert not is_open("us_equity", utc(2026, 11, 27, 18))  # 13:00: closed early
    assert is_open("us_equity", utc(2026, 11, 30, 14, 30))  # Monday's open


def test_day_orders_expire_at_the_close_that_comes_next():
    assert session_close(utc(2026, 11, 27, 15)) == utc(2026, 11, 27, 18)  # the early close
    assert session_close(utc(2026, 11, 25, 22)) == utc(2026, 11, 27, 18)  # placed after Wednesday's close
    assert session_close(utc(2026, 4, 2, 21, 30)) == utc(2026, 4, 6, 20)  # Good Friday skipped
    assert session_close(utc(2026, 12, 24, 19)) == utc(2026, 12, 28, 21)  # after the 13:00 close: Monday
    assert last_close(utc(2026, 12, 28, 15)) == utc(2026, 12, 24, 18)


def test_the_day_trade_window_counts_trading_days():
    assert window_start(utc(2026, 11, 30, 15)) == utc(2026, 11, 23, 5)  # Thanksgiving not counted
