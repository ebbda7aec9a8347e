"""Marshmallow fields shared by the subsystems' schemas."""
from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import fields


class DecimalString(fields.Decimal):
    """A decimal sent as a string, so no digit is lost (DESIGN §9), and documented as
    ``type: string, format: decimal`` (the factory maps the class for apispec).

    Text that already holds a decimal, such as a price in the latest-quote contract in Redis (the
    vendor's own digits), is sent as it is rather than re-formatted."""

    def __init__(self, **kwargs) -> None:
        super().__init__(as_string=True, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)


def timestamp_text(value: datetime) -> str:
    """A moment as UTC ISO 8601 with milliseconds and ``Z`` (DESIGN §9): ``2026-12-05T10:00:00.123Z``."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class Timestamp(fields.DateTime):
    """A moment as ``timestamp_text`` writes it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else timestamp_text(value)
