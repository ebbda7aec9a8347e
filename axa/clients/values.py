"""Parsing vendor values into the standard record types: Decimal, date, tz-aware UTC datetime.

Vendors send numbers as JSON numbers *or* numeric strings (Cbonds everything, FMP ``cik`` and
``fullTimeEmployees``, CMC spec examples), empty strings and nulls for "missing", and NaN or
negative prices when something is broken. A bad value in one row raises ``RowRejected``; the
fetcher turns that into a reject for that row only, never a failure of the whole batch.
"""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class RowRejected(ValueError):
    """One row cannot become a record; ``reason`` says why (no vendor data in it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_decode_exact = msgspec.json.Decoder(float_hook=Decimal).decode


def decode_json(body: bytes | str) -> Any:
    """JSON with exact decimals: floats become Decimal, NaN/Infinity become non-finite Decimals
    (rejected later, row by row, by :func:`decimal`).

    msgspec's decoder first (the same values, a third of the stdlib's cost); what it refuses
    (the bare ``NaN`` tokens vendors send, UTF-16/32 bodies) goes through the stdlib decoder,
    which also raises the ``ValueError`` of a body that is not JSON at all."""
    try:
        return _decode_exact(body)
    except msgspec.DecodeError:
        return json.loads(body, parse_float=Decimal, parse_constant=Decimal)


def _as_decimal(value: Any, name: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise RowRejected(f"{name}: boolean where a number was expected")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        cleaned = value.strip()
        if cleaned in ("", "-", "null", "None", "N/A"):
            return None
        try:
            return Decimal(cleaned)
        except InvalidOperation:
            raise RowRejected(f"{name}: not a number") from None
    raise RowRejected(f"{name}: not a number")


def decimal(value: Any, name: str, *, required: bool = False, non_negative: bool = False,
            zero_is_missing: bool = False) -> Decimal | None:
    """A finite Decimal from a JSON number or numeric string; None for null/""/missing.

    ``non_negative`` rejects negative values (prices, volumes); ``zero_is_missing`` reads "0" as
    "not disclosed" (Cbonds prices)."""
    kind = type(value)  # the common case first: a finite non-zero number, as decode_json gives it
    if (kind is int or (kind is Decimal and value.is_finite())) and (
            value > 0 or (value < 0 and not non_negative)):
        return value if kind is Decimal else Decimal(value)
    number = _as_decimal(value, name)
    if number is not None and not number.is_finite():
        raise RowRejected(f"{name}: not a finite number")
    if number is not None and zero_is_missing and number == 0:
        number = None
    if number is not None and non_negative and number < 0:
        raise RowRejected(f"{name}: negative")
    if number is None and required:
        raise RowRejected(f"{name}: missing")
    return number


def price(value: Any, name: str = "price", *, required: bool = False,
          zero_is_missing: bool = False) -> Decimal | None:
    """A price: finite and not negative."""
    return decimal(value, name, required=required, non_negative=True,
                   zero_is_missing=zero_is_missing)


def integer(value: Any, name: str) -> int | None:
    number = decimal(value, name)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise RowRejected(f"{name}: not an integer")
    return int(number)


def text(value: Any, *, upper: bool = False) -> str | None:
    """A stripped string, None for null/""; numbers are turned into their text."""
    if type(value) is str:  # the common case first
        result = value.strip()
    elif value is None or isinstance(value, (bool, dict, list)):
        return None
    else:
        result = str(value).strip()
    if not result:
        return None
    return result.upper() if upper else result


def required_text(value: Any, name: str, *, upper: bool = False) -> str:
    result = text(value, upper=upper)
    if result is None:
        raise RowRejected(f"{name}: missing")
    return result


def flag(value: Any) -> bool | None:
    """Booleans as vendors send them: true/false, 1/0, "1"/"0", "true"/"false"; None if unknown."""
    if value is None or isinstance(value, bool):
        return value
    token = str(value).strip().lower()
    if token in ("1", "true", "yes", "y"):
        return True
    if token in ("0", "false", "no", "n"):
        return False
    return None


def day(value: Any, name: str, *, required: bool = False) -> date | None:
    """A ``YYYY-MM-DD`` trading date (longer ISO strings keep their date part)."""
    raw = required_text(value, name) if required else text(value)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise RowRejected(f"{name}: not a date") from None


def day_start_utc(value: date) -> datetime:
    """A trading date stored as an instant: midnight UTC, precision "day"."""
    return datetime.combine(value, time.min, tzinfo=UTC)


def instant(value: Any, name: str, *, required: bool = False) -> datetime | None:
    """An ISO-8601 timestamp with a zone (``Z`` or offset) as tz-aware UTC; naive is rejected."""
    raw = required_text(value, name) if required else text(value)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise RowRejected(f"{name}: not a timestamp") from None
    if parsed.tzinfo is None:
        raise RowRejected(f"{name}: timestamp without a time zone")
    return parsed.astimezone(UTC)


def epoch_seconds(value: Any, name: str, *, required: bool = False) -> datetime | None:
    """Unix seconds (FMP ``timestamp``) as tz-aware UTC."""
    number = decimal(value, name, required=required, non_negative=True)
    if number is None:
        return None
    try:
        return _EPOCH + timedelta(seconds=float(number))
    except OverflowError:
        raise RowRejected(f"{name}: out of range") from None


_decode_plain = msgspec.json.Decoder().decode


def decode_json_to_check(body: bytes | str) -> Any:
    """JSON for a look at its shape only (error bodies, paging): floats stay floats, at a third of
    :func:`decode_json`'s cost. Never turn its numbers into records: decode the body exactly."""
    try:
        return _decode_plain(body)
    except msgspec.DecodeError:
        return decode_json(body)


_canonical = json.JSONEncoder(sort_keys=True, default=str, separators=(",", ":")).encode
_canonical_fast = msgspec.json.Encoder(decimal_format="string", order="sorted").encode


def raw_ref(fragment: Any) -> str:
    """A stable hash of the raw row, kept on each record for audit (vendors.md §5): SHA-256 of
    its canonical JSON (sorted keys, compact, Decimals as strings, non-ASCII escaped).

    msgspec writes the same text as the stdlib encoder for ASCII rows at a fifth of the cost;
    a row with non-ASCII text (which msgspec leaves unescaped) or a value msgspec has no form
    for takes the stdlib encoder. (A non-finite float, which :func:`decode_json` never yields,
    would be written as null.)"""
    try:
        text = _canonical_fast(fragment)
    except (TypeError, ValueError):
        text = b""
    if not text or not text.isascii():
        text = _canonical(fragment).encode()
    return hashlib.sha256(text).hexdigest()


def first_present(row: dict, *names: str) -> Any:
    """The first of ``names`` that ``row`` has with a value (not null, not blank)."""
    for name in names:
        value = row.get(name)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return value
    return None


def isin_ok(code: str) -> bool:
    """An ISIN: 2 letters, 9 alphanumerics, a check digit that passes Luhn over the expansion."""
    shape_ok = (len(code) == 12 and code.isascii() and code.isalnum() and code.upper() == code
                and code[:2].isalpha() and code[-1].isdigit())
    if not shape_ok:
        return False
    digits = "".join(str(int(ch, 36)) for ch in code)
    total = 0
    for position, ch in enumerate(reversed(digits)):
        number = int(ch) * (2 if position % 2 else 1)
        total += number - 9 if number > 9 else number
    return total % 10 == 0
