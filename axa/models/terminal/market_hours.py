"""When orders may fill: US equities in the regular session of an NYSE trading day, 09:30 to 16:00
New York time (13:00 on an early close; no session on a weekend or an exchange holiday: see
axa/models/terminal/calendar.py); crypto around the clock. A ``day`` order expires at the close of
the session it was placed in, or, placed outside one, of the next session. Day trades are counted
over the last DAY_TRADE_WINDOW trading days (New York dates)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from axa.models.terminal.calendar import close_time, is_trading_day, next_trading_day, previous_trading_day

NEW_YORK = ZoneInfo("America/New_York")
OPEN_AT, CLOSE_AT = time(9, 30), time(16, 0)
CRYPTO = "crypto"
DAY_TRADE_WINDOW = 5


def session(day: date) -> tuple[datetime, datetime] | None:
    """The regular session of the New York date ``day`` (open, close, UTC); None: no session."""
    if not is_trading_day(day):
        return None
    return (datetime.combine(day, OPEN_AT, tzinfo=NEW_YORK).astimezone(UTC),
            datetime.combine(day, close_time(day, CLOSE_AT), tzinfo=NEW_YORK).astimezone(UTC))


def is_open(asset_class: str, at: datetime) -> bool:
    if asset_class == CRYPTO:
        return True
    hours = session(trading_date(at))
    return hours is not None and hours[0] <= at < hours[1]


def session_close(at: datetime) -> datetime:
    """The close of the session ``at`` falls in, or of the next one (UTC)."""
    day = next_trading_day(trading_date(at))
    close = session(day)[1]
    if at >= close:
        close = session(next_trading_day(day + timedelta(days=1)))[1]
    return close


def last_close(at: datetime) -> datetime:
    """The close of the last session that ended at or before ``at`` (UTC)."""
    day = previous_trading_day(trading_date(at))
    close = session(day)[1]
    if close > at:
        close = session(previous_trading_day(day - timedelta(days=1)))[1]
    return close


def trading_date(at: datetime) -> date:
    return at.astimezone(NEW_YORK).date()


def window_start(at: datetime, business_days: int = DAY_TRADE_WINDOW) -> datetime:
    """The start (New York midnight, as UTC) of the last ``business_days`` trading days to ``at``."""
    day = previous_trading_day(trading_date(at))
    for _ in range(business_days - 1):
        day = previous_trading_day(day - timedelta(days=1))
    return datetime.combine(day, time(0), tzinfo=NEW_YORK).astimezone(UTC)
