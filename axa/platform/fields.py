"""Marshmallow fields shared by the subsystems' schemas."""
from __future__ import annotations

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
