"""Alpaca's position object, valued on the latest quote (axa/models/terminal/valuation.py)."""
from __future__ import annotations

from marshmallow import Schema, fields

from axa.blueprints.terminal.accounts.schemas import described
from axa.blueprints.terminal.orders.schemas import OrderSchema
from axa.platform.fields import DecimalString


class PositionSchema(Schema):
    id = fields.Integer()
    symbol = fields.String()
    quote_ref = fields.String(metadata=described("The quote it is valued on: `<source>:<id>`"))
    asset_class = fields.String(metadata=described("`us_equity` or `crypto`"))
    side = fields.String(metadata=described("`long` or `short`"))
    qty = DecimalString(metadata=described("Negative for a short position"))
    avg_entry_price = DecimalString()
    cost_basis = DecimalString(metadata=described("qty x avg_entry_price (negative for a short)"))
    current_price = DecimalString(metadata=described("The latest quote's price (none: the average entry)"))
    market_value = DecimalString()
    unrealized_pl = DecimalString()
    unrealized_plpc = DecimalString(metadata=described("unrealized_pl / |cost_basis|"))
    lastday_price = DecimalString(allow_none=True, metadata=described("The last close (null: not known)"))
    unrealized_intraday_pl = DecimalString(allow_none=True)


class CloseResultSchema(Schema):
    symbol = fields.String()
    status = fields.Integer(metadata=described("200: the closing order placed; else the refusal's status"))
    body = fields.Nested(OrderSchema, allow_none=True,
                         metadata=described("The closing order (null: refused)"))
    reason = fields.String(allow_none=True, metadata=described("Refused: its code"))
    message = fields.String(allow_none=True, metadata=described("Refused: why"))
