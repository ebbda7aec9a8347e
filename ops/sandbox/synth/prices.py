"""The price model: price = f(instrument seed, time), computed in O(1) for any moment.

Log-price is a sum of slow sine waves (periods from days to years, random phases per instrument,
amplitudes growing like a random walk's spread) plus independent noise per time bucket. A bucket
is ``tick`` seconds wide: inside one bucket every poll sees the same price; the next bucket moves
it. Daily bars take their close from the same curve at 20:00 UTC with their own daily noise, and
only weekdays are trading days.
"""
from __future__ import annotations

import functools
import math
from datetime import UTC, date, datetime, timedelta

from ops.sandbox.synth.rand import gauss, unit

DAY = 86400
YEAR_DAYS = 365.0
PERIODS = (2.0, 7.0, 23.0, 71.0, 230.0, 700.0)
CLOSE_HOUR = 20.0 / 24.0
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

NOISE_BUCKET = 11
NOISE_DAY = 12
NOISE_OPEN = 13
NOISE_RANGE = 14
NOISE_VOLUME = 15


@functools.lru_cache(maxsize=65536)
def _waves(seed: int, vol: float) -> tuple[tuple[float, float, float], ...]:
    """(angular frequency per day, phase, amplitude) of each slow wave of one instrument."""
    return tuple((2.0 * math.pi / period, 2.0 * math.pi * unit(seed, k),
                  0.35 * vol * math.sqrt(period / YEAR_DAYS)) for k, period in enumerate(PERIODS))


def smooth(seed: int, vol: float, days: float) -> float:
    """The slow part of the log-price at ``days`` since the Unix epoch."""
    return sum(amplitude * math.sin(omega * days + phase) for omega, phase, amplitude in _waves(seed, vol))


def bucket_of(epoch: float, tick: int) -> int:
    return int(epoch // tick)


def bucket_price(seed: int, base: float, vol: float, bucket: int, tick: int) -> float:
    """The price during time bucket ``bucket``."""
    days = bucket * tick / DAY
    sigma = 3.0 * vol * math.sqrt(tick / (YEAR_DAYS * DAY))
    return base * math.exp(smooth(seed, vol, days) + sigma * gauss(seed, NOISE_BUCKET, bucket))


def price_at(seed: int, base: float, vol: float, epoch: float, tick: int) -> float:
    return bucket_price(seed, base, vol, bucket_of(epoch, tick), tick)


def day_number(day: date) -> int:
    return day.toordinal() - _EPOCH_ORDINAL


def day_of(number: int) -> date:
    return date.fromordinal(number + _EPOCH_ORDINAL)


def is_trading_day(number: int) -> bool:
    return day_of(number).weekday() < 5


def previous_trading_day(number: int) -> int:
    number -= 1
    while not is_trading_day(number):
        number -= 1
    return number


def trading_days(first: date, last: date) -> list[int]:
    start, end = day_number(first), day_number(last)
    return [n for n in range(start, end + 1) if is_trading_day(n)]


def daily_close(seed: int, base: float, vol: float, number: int) -> float:
    sigma = vol / math.sqrt(YEAR_DAYS) * 0.5
    return base * math.exp(smooth(seed, vol, number + CLOSE_HOUR) + sigma * gauss(seed, NOISE_DAY, number))


def daily_bar(seed: int, base: float, vol: float, number: int) -> dict:
    """Open, high, low, close and a relative volume factor for trading day ``number``."""
    sigma = vol / math.sqrt(YEAR_DAYS) * 0.5
    close = daily_close(seed, base, vol, number)
    prev = daily_close(seed, base, vol, previous_trading_day(number))
    open_ = prev * math.exp(0.3 * sigma * gauss(seed, NOISE_OPEN, number))
    spread = abs(gauss(seed, NOISE_RANGE, number)) * sigma * 0.6 + 0.001
    high = max(open_, close) * math.exp(spread * unit(seed, NOISE_RANGE, number, 3))
    low = min(open_, close) * math.exp(-spread * unit(seed, NOISE_RANGE, number, 4))
    volume_factor = math.exp(0.4 * gauss(seed, NOISE_VOLUME, number))
    return {"open": open_, "high": high, "low": low, "close": close, "prev_close": prev,
            "volume_factor": volume_factor}


def round_price(value: float) -> float:
    """Two decimals for ordinary prices, more for pennies (as the vendors print them)."""
    if value >= 1:
        return round(value, 2)
    if value >= 0.01:
        return round(value, 4)
    return float(f"{value:.6g}")


def utc_iso_ms(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def utc_date(epoch: float) -> date:
    return datetime.fromtimestamp(epoch, UTC).date()


def days_before(day: date, count: int) -> date:
    return day - timedelta(days=count)
