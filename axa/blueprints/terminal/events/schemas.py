"""Order events as the REST log shows them (Alpaca's trade updates, with ids as the cursor)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from axa.blueprints.terminal.accounts.schemas import described
from axa.models.terminal.events import EVENTS
from axa.platform.fields import DecimalString, Timestamp
from axa.platform.keyset import ID_MAX

LIMIT_DEFAULT, LIMIT_MAX = 100, 500


class EventQuerySchema(Schema):
    since = fields.Integer(load_default=0, validate=validate.Range(min=0, max=ID_MAX), metadata=described(
        "The last event id you have seen (default 0: from the first): the events after it, oldest first"))
    limit = fields.Integer(load_default=LIMIT_DEFAULT, validate=validate.Range(min=1, max=LIMIT_MAX),
                           metadata=described(f"Page size (default {LIMIT_DEFAULT})"))


class StreamQuerySchema(Schema):
    since = fields.Integer(load_default=0, validate=validate.Range(min=0, max=ID_MAX), metadata=described(
        "The last event id you have seen (default 0); a `Last-Event-ID` header takes precedence"))


class OrderEventSchema(Schema):
    id = fields.Integer(metadata=described("The cursor: pass the last one you saw as `since`"))
    event = fields.String(metadata=described(", ".join(EVENTS)))
    at = Timestamp()
    order_id = fields.Integer()
    qty = DecimalString(allow_none=True, metadata=described("fill: the quantity filled"))
    price = DecimalString(allow_none=True, metadata=described("fill: its price"))
    position_qty = DecimalString(allow_none=True, metadata=described("fill: the position after it"))
