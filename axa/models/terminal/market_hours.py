"""When orders may fill: US equities in the regular session, Monday to Friday 09:30 to 16:00 New
York time (exchange holidays are not modelled); crypto around the clock. A ``day`` order expires at
the close of the session it was placed in, or, placed outside one, of the next session. Day trades
are counted over the last DAY_TRADE_WINDOW business days (New York dates)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")
OPEN_AT, CLOSE_AT = time(9, 30), time(16, 0)
CRYPTO = "crypto"
DAY_TRADE_WINDOW = 5


def is_open(asset_class: str, at: datetime) -> bool:
    if asset_class == CRYPTO:
        return True
    local = at.astimezone(NEW_YORK)
    return local.weekday() < 5 and OPEN_AT <= local.time() < CLOSE_AT


def session_close(at: datetime) -> datetime:
    """The close of the session ``at`` falls in, or of the next one (UTC)."""
    local = at.astimezone(NEW_YORK)
    day = local.date()
    if local.time() >= CLOSE_AT:
        day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, CLOSE_AT, tzinfo=NEW_YORK).astimezone(UTC)


def trading_date(at: datetime) -> date:
    return at.astimezone(NEW_YORK).date()


def window_start(at: datetime, business_days: int = DAY_TRADE_WINDOW) -> datetime:
    """The start (New York midnight, as UTC) of the last ``business_days`` business days to ``at``."""
    day, left = trading_date(at), business_days - 1
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    while left:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return datetime.combine(day, time(0), tzinfo=NEW_YORK).astimezone(UTC)
