"""How a broker's CSV file reads as diary executions: the presets and the generic column mapping
(pure: no database). Each names the columns of the symbol, side, quantity, price, fee (optional)
and time, the time's format (``None``: ISO 8601) and its time zone when the text has none.

Presets (the columns assumed; others are ignored):

- ``ibkr``: Interactive Brokers Flex Query, Trades section, CSV: ``Symbol``, ``Buy/Sell``
  (BUY / SELL), ``Quantity`` (negative for sells), ``TradePrice``, ``IBCommission`` (negative: a
  fee paid), ``DateTime`` as ``yyyyMMdd;HHmmss`` (the Flex default) in America/New_York; with a
  ``LevelOfDetail`` column, only its ``EXECUTION`` lines are executions.
- ``thinkorswim``: TD Ameritrade / Schwab thinkorswim Account Statement, "Account Trade History"
  section saved alone: ``Exec Time`` as ``M/D/YY H:MM:SS`` in America/New_York, ``Side`` (BUY /
  SELL), ``Qty`` (negative for sells), ``Symbol``, ``Price`` (no fee column: fee 0).
- ``webull``: Webull orders export: ``Symbol``, ``Side`` (Buy / Sell), ``Status`` (only ``Filled``
  lines are executions), ``Filled`` (the quantity), ``Avg Price``, ``Filled Time`` as
  ``MM/DD/YYYY HH:MM:SS EST`` (the zone's abbreviation is dropped: America/New_York; no fee).

Numbers may carry a currency sign, thousands separators and a sign (the side says buy or sell).
Sides read: buy, b, bot, bought; sell, s, sld, sold (any case)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from axa.models.stocks.diary import SYMBOL_MAX

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
SYMBOL = re.compile(r"^[A-Za-z0-9.\-_/:^=]+$")
SIDES = {"buy": "buy", "b": "buy", "bot": "buy", "bought": "buy",
         "sell": "sell", "s": "sell", "sld": "sell", "sold": "sell"}
LIMIT = Decimal(10) ** 20
NEW_YORK = "America/New_York"
ZERO = Decimal(0)


class BadLine(ValueError):
    """A line that is not an execution: its reason."""


def _status_is(column: str, wanted: str, what: str) -> Callable[[dict], None]:
    def check(row: dict) -> None:
        value = (row.get(column) or "").strip()
        if column in row and value.upper() != wanted.upper():
            raise BadLine(f"Not {what} ({column} {value[:40]!r}).")
    return check


@dataclass(frozen=True)
class Layout:
    symbol: str
    side: str
    quantity: str
    price: str
    time: str
    fee: str | None = None
    time_format: str | None = None  # strptime; None: ISO 8601
    timezone: str = "UTC"  # of times written without an offset
    drop_suffix: bool = False  # the time ends with a zone abbreviation to drop ("EST")
    checks: tuple = field(default=())

    @property
    def columns_needed(self) -> tuple:
        return self.symbol, self.side, self.quantity, self.price, self.time

    @property
    def columns(self) -> list[str]:
        return [c for c in (self.symbol, self.side, self.quantity, self.price, self.fee, self.time) if c]

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


PRESETS = {
    "ibkr": Layout(symbol="Symbol", side="Buy/Sell", quantity="Quantity", price="TradePrice",
                   fee="IBCommission", time="DateTime", time_format="%Y%m%d;%H%M%S", timezone=NEW_YORK,
                   checks=(_status_is("LevelOfDetail", "EXECUTION", "an execution line"),)),
    "thinkorswim": Layout(symbol="Symbol", side="Side", quantity="Qty", price="Price", time="Exec Time",
                          time_format="%m/%d/%y %H:%M:%S", timezone=NEW_YORK),
    "webull": Layout(symbol="Symbol", side="Side", quantity="Filled", price="Avg Price", time="Filled Time",
                     time_format="%m/%d/%Y %H:%M:%S", timezone=NEW_YORK, drop_suffix=True,
                     checks=(_status_is("Status", "Filled", "a filled order"),)),
}
GENERIC = "generic"


def layout_of(preset: str, mapping: dict | None) -> Layout:
    """The layout of a preset (``mapping`` may give its ``timezone``), or of a generic mapping
    (checked by the API's schema)."""
    mapping = mapping or {}
    if preset != GENERIC:
        base = PRESETS[preset]
        return Layout(**{**base.__dict__, "timezone": mapping["timezone"]}) if "timezone" in mapping else base
    return Layout(symbol=mapping["symbol"], side=mapping["side"], quantity=mapping["quantity"],
                  price=mapping["price"], fee=mapping.get("fee"), time=mapping["time"],
                  time_format=mapping.get("time_format"), timezone=mapping.get("timezone") or "UTC")


def number(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text)  # the common case: a plain number
    except InvalidOperation:
        cleaned = text.strip().replace(",", "").replace("$", "").replace(" ", "")
        if cleaned.startswith("(") and cleaned.endswith(")"):
            cleaned = "-" + cleaned[1:-1]
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise BadLine(f"{what}: not a number ({text[:40]!r}).") from None
    if not value.is_finite():
        raise BadLine(f"{what}: not a number ({text[:40]!r}).")
    value = abs(value)
    if (len(text) > 19 or "e" in text or "E" in text) and (value.as_tuple().exponent < -18 or value >= LIMIT):
        raise BadLine(f"{what}: use at most 20 digits before the point and 18 after it.")
    return value


def moment(text: str, layout: Layout, zone: ZoneInfo, now: datetime) -> datetime:
    value = text.strip()
    if layout.drop_suffix and " " in value and value.rsplit(" ", 1)[1].isalpha():
        value = value.rsplit(" ", 1)[0]
    try:
        at = (datetime.strptime(value, layout.time_format) if layout.time_format
              else datetime.fromisoformat(value))
    except ValueError:
        raise BadLine(f"time: {text[:40]!r} does not read as "
                      f"{layout.time_format or 'ISO 8601'}.") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=zone)
    at = at.astimezone(UTC)
    if not EARLIEST <= at <= now:
        raise BadLine("time: must not be in the future, nor before 1900.")
    return at


def execution(row: dict, layout: Layout, zone: ZoneInfo, now: datetime) -> tuple:
    """(symbol, side, quantity, price, fee, executed_at) of one CSV row, or BadLine."""
    for check in layout.checks:
        check(row)

    get = row.get
    symbol, side, quantity, price, when = cells = [(get(c) or "").strip() for c in layout.columns_needed]
    if not all(cells):
        raise BadLine("Empty: " + ", ".join(c for c, v in zip(layout.columns_needed, cells, strict=True)
                                            if not v) + ".")
    symbol = symbol.upper()
    if len(symbol) > SYMBOL_MAX or not SYMBOL.match(symbol):
        raise BadLine(f"symbol: 1 to {SYMBOL_MAX} letters, digits or . - _ / : ^ = ({symbol[:40]!r}).")
    sided = SIDES.get(side.lower())
    if sided is None:
        raise BadLine(f"side: {side[:40]!r} is neither a buy nor a sell.")
    units = number(quantity, "quantity")
    if not units:
        raise BadLine("quantity: must be more than 0.")
    charged = (get(layout.fee) or "").strip() if layout.fee else ""
    fee = number(charged, "fee") if charged else ZERO
    return symbol, sided, units, number(price, "price"), fee, moment(when, layout, zone, now)
