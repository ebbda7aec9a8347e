"""Schemas of the orders, in the shape of Alpaca's order request and order object. Decimals travel
as strings (numbers are accepted on the way in)."""
from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from axa.blueprints.market.schemas import PLAIN
from axa.blueprints.terminal.accounts.schemas import described, unicode_text
from axa.models.terminal.orders import (
    CLIENT_ORDER_ID_MAX,
    OPEN,
    SIDES,
    STATUSES,
    SYMBOL_MAX,
    TIME_IN_FORCE,
    TYPES,
)
from axa.platform.fields import DecimalString, Timestamp
from axa.platform.keyset import KeysetQuerySchema

AMOUNT_MAX = Decimal("1000000000000")  # 10^12
PRICE_RULE = "Greater than 0, up to 10^12, at most 10 decimal places"
INVALID = "A decimal (a string or a number); not one, out of range, or not for this order: 422"
NEEDS = {"limit_price": ("limit", "stop_limit"), "stop_price": ("stop", "stop_limit")}
NOW_TYPES = ("market", "limit")  # the types ioc / fok apply to
CLIENT_ID = [validate.Length(min=1, max=CLIENT_ORDER_ID_MAX), PLAIN, unicode_text]
CLIENT_ID_RULE = (f"Your id for the order, unique per account, up to {CLIENT_ORDER_ID_MAX} characters "
                  "(default: generated). Sent again with the same body: the same order (200); with another "
                  "body: 422 `duplicate_client_order_id`")
SYMBOL_RULE = ("A symbol or ISIN of the platform's quotes (e.g. `AAPL`; any case), or a quote ref "
               "`<source>:<id>` (coins: `cmc:1` is Bitcoin). No quote: 422 `unknown_symbol`")
SYMBOL = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._:/^=\-]*\Z",
                         error="Letters, digits and . _ : / ^ = - only, starting with a letter or digit.")


def places(digits: int):
    step = Decimal(1).scaleb(-digits)

    def check(value: Decimal) -> None:
        if value != value.quantize(step):
            raise ValidationError(f"At most {digits} decimal places.")
    return check


def amount(digits: int, text: str, **kwargs) -> DecimalString:
    return DecimalString(validate=[validate.Range(min=Decimal(0), min_inclusive=False, max=AMOUNT_MAX),
                                   places(digits)], metadata=described(f"{text}. {INVALID}"), **kwargs)


class OrderCreateSchema(Schema):
    symbol = fields.String(required=True, validate=[validate.Length(min=1, max=SYMBOL_MAX), SYMBOL],
                           metadata=described(SYMBOL_RULE))
    qty = amount(9, "Quantity (fractional allowed, at most 9 decimals); this or `notional`")
    notional = amount(2, "Amount in the account's currency to trade (market orders only); this or `qty`")
    side = fields.String(required=True, validate=validate.OneOf(SIDES),
                         metadata=described(
                             "`sell` past what you hold: a short sale (margin accounts only)"))
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    time_in_force = fields.String(required=True, validate=validate.OneOf(TIME_IN_FORCE), metadata=described(
        "`day` (expires at the close; US equities only), `gtc`, `ioc` / `fok` (fill now or cancel; "
        "market and limit orders; others, or outside trading hours or on a stale quote: 422)"))
    limit_price = amount(
        10, f"`limit` and `stop_limit` orders (required there, else refused). {PRICE_RULE}")
    stop_price = amount(
        10, f"`stop` and `stop_limit` orders (required there, else refused). {PRICE_RULE}")
    trail_price = amount(10, "`trailing_stop` orders: the trail in price; this or `trail_percent`")
    trail_percent = DecimalString(validate=[validate.Range(min=Decimal(0), min_inclusive=False,
                                                           max=Decimal(100), max_inclusive=False), places(4)],
                                  metadata=described(f"`trailing_stop` orders: the trail in %. {INVALID}"))
    client_order_id = fields.String(validate=CLIENT_ID, metadata=described(CLIENT_ID_RULE))

    @validates_schema
    def consistent(self, data: dict, **_) -> None:
        kind = data.get("type")
        errors = {}
        if ("qty" in data) == ("notional" in data):
            errors["qty"] = ["Send exactly one of `qty` and `notional`."]
        if "notional" in data and kind not in (None, "market"):
            errors["notional"] = ["Only market orders take a notional."]
        for name, kinds in NEEDS.items():
            if kind in kinds and name not in data:
                errors[name] = [f"Required for {kind} orders."]
            elif kind not in kinds and name in data:
                errors[name] = [f"Not for {kind} orders."]
        trails = [name for name in ("trail_price", "trail_percent") if name in data]
        if kind == "trailing_stop" and len(trails) != 1:
            errors["trail_price"] = ["Send exactly one of `trail_price` and `trail_percent`."]
        elif kind != "trailing_stop" and trails:
            errors[trails[0]] = ["Only trailing_stop orders take a trail."]
        if data.get("time_in_force") in ("ioc", "fok") and kind not in (None, *NOW_TYPES):
            errors["time_in_force"] = ["ioc and fok apply to market and limit orders only."]
        if errors:
            raise ValidationError(errors)


class OrderReplaceSchema(Schema):
    qty = amount(9, "A new quantity (orders placed by quantity)")
    time_in_force = fields.String(validate=validate.OneOf(("day", "gtc")))
    limit_price = amount(10, f"A new limit (limit and stop_limit orders). {PRICE_RULE}")
    stop_price = amount(10, f"A new stop (stop and stop_limit orders). {PRICE_RULE}")
    trail = amount(10, "A new trail (trailing_stop orders), in the unit the order trails by")
    client_order_id = fields.String(validate=CLIENT_ID,
                                    metadata=described("The new order's id (default: generated)"))


class OrderListQuerySchema(KeysetQuerySchema):
    status = fields.String(load_default="open", validate=validate.OneOf(("open", "closed", "all")),
                           metadata=described(f"`open` ({', '.join(OPEN)}; the default), `closed` or `all`"))
    symbols = fields.String(validate=validate.Length(max=1000),
                            metadata=described("Comma-separated symbols or refs, as placed"))


class ClientOrderIdQuerySchema(Schema):
    client_order_id = fields.String(required=True, validate=validate.Length(min=1, max=CLIENT_ORDER_ID_MAX))


class OrderSchema(Schema):
    """Alpaca's order object (ids are integers here)."""

    id = fields.Integer()
    account_id = fields.Integer()
    client_order_id = fields.String()
    symbol = fields.String()
    quote_ref = fields.String(metadata=described("The quote the order follows: `<source>:<id>`"))
    asset_class = fields.String(metadata=described("`us_equity` or `crypto`"))
    qty = DecimalString(allow_none=True)
    notional = DecimalString(allow_none=True)
    filled_qty = DecimalString()
    filled_avg_price = DecimalString(allow_none=True)
    order_class = fields.Constant("simple")
    type = fields.String(attribute="order_type", metadata=described(", ".join(TYPES)))
    side = fields.String()
    time_in_force = fields.String()
    limit_price = DecimalString(allow_none=True)
    stop_price = DecimalString(allow_none=True, metadata=described("Trailing stops: the stop as it trails"))
    trail_price = DecimalString(allow_none=True)
    trail_percent = DecimalString(allow_none=True)
    hwm = DecimalString(allow_none=True, metadata=described("Trailing stops: the best price since placed"))
    status = fields.String(metadata=described(", ".join(STATUSES)))
    fail_reason = fields.String(allow_none=True, metadata=described("Rejected at fill time: why"))
    extended_hours = fields.Constant(False)
    replaces = fields.Integer(allow_none=True)
    replaced_by = fields.Integer(allow_none=True)
    created_at = Timestamp()
    updated_at = Timestamp()
    submitted_at = Timestamp(allow_none=True)
    filled_at = Timestamp(allow_none=True)
    expired_at = Timestamp(allow_none=True)
    expires_at = Timestamp(allow_none=True, metadata=described("`day` orders: the close they expire at"))
    canceled_at = Timestamp(allow_none=True)
    replaced_at = Timestamp(allow_none=True)
    failed_at = Timestamp(allow_none=True)


class CancelResultSchema(Schema):
    id = fields.Integer()
    status = fields.Integer(metadata=described("200: canceled"))
    body = fields.Nested(OrderSchema)
