"""Schemas of the paper accounts: the create (new or a clone), the changes, the account view in the
shape of Alpaca's account object where it applies, and the activities. Money travels as strings."""
from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from axa.blueprints.market.schemas import BIGINT_MAX, PLAIN
from axa.models.terminal.accounts import ACCOUNT_TYPES, FILL_MODELS, NAME_MAX
from axa.platform.fields import DecimalString, Timestamp

CASH_MAX = Decimal("1000000000000")  # 10^12: room under Numeric(20, 2) for later gains
NAME_RULE = (f"1 to {NAME_MAX} characters, leading and trailing spaces dropped (blank: 422), unique "
             "among your open accounts (taken: 409, reason `duplicate_name`)")
CLONED = "Left out with `clone_of` (the clone copies it; sent with `clone_of`: 422)"
COPIED = ("currency", "starting_cash", "account_type", "fill_model")
FILL_MODEL = ("How matching fills this account's orders: `alpaca` (the last price, no slippage, no "
              "fees) or `realistic` (spread, slippage and fees)")


def described(text: str) -> dict:
    return {"description": text}


def unicode_text(value: str) -> None:
    """Text PostgreSQL can store: no lone surrogate (JSON can carry ``"\\udc80"``)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Not valid Unicode text.") from None


def cents(value: Decimal) -> None:
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError("At most 2 decimal places.")


def trimmed(data: dict) -> dict:
    if "name" in data:
        data["name"] = data["name"].strip()
        if not data["name"]:
            raise ValidationError("Must not be blank.", field_name="name")
    return data


def name_field(**kwargs) -> fields.String:
    return fields.String(validate=[validate.Length(min=1, max=NAME_MAX), PLAIN, unicode_text], **kwargs)


class AccountCreateSchema(Schema):
    name = name_field(required=True, metadata=described(NAME_RULE))
    clone_of = fields.Integer(validate=validate.Range(min=1, max=BIGINT_MAX), metadata=described(
        "Clone one of your open accounts: the new account gets its currency, starting cash, type and "
        "fill model, and a fresh state (its starting cash, no positions). Not one of yours: 422"))
    currency = fields.String(validate=validate.Regexp(r"^[A-Za-z]{3}$", error="Three letters (ISO 4217)."),
                             metadata=described(f"Base currency, 3 letters (default USD). {CLONED}"))
    starting_cash = DecimalString(validate=[validate.Range(min=Decimal("0.01"), max=CASH_MAX), cents],
                                  metadata=described("Cash the account starts with and is reset to, up to "
                                                     f"{CASH_MAX}, to the cent (default: the platform's, "
                                                     f"AXA_TERMINAL_STARTING_CASH). {CLONED}"))
    account_type = fields.String(validate=validate.OneOf(ACCOUNT_TYPES), metadata=described(
        f"`cash` (buying power: the cash) or `margin` (2x equity, shorting allowed); default cash. {CLONED}"))
    fill_model = fields.String(validate=validate.OneOf(FILL_MODELS),
                               metadata=described(f"{FILL_MODEL}; default alpaca. {CLONED}"))

    @validates_schema
    def clone_or_settings(self, data: dict, **_) -> None:
        if "clone_of" in data:
            sent = [name for name in COPIED if name in data]
            if sent:
                raise ValidationError({name: ["Not with `clone_of`: the clone copies it."] for name in sent})

    @post_load
    def tidy(self, data: dict, **_) -> dict:
        if "currency" in data:
            data["currency"] = data["currency"].upper()
        return trimmed(data)


class AccountPatchSchema(Schema):
    name = name_field(metadata=described(f"A new name (left out: unchanged): {NAME_RULE}"))
    fill_model = fields.String(validate=validate.OneOf(FILL_MODELS),
                               metadata=described(f"{FILL_MODEL} (left out: unchanged)"))

    @post_load
    def tidy(self, data: dict, **_) -> dict:
        return trimmed(data)


class AccountSchema(Schema):
    """Alpaca's account object where it applies (`GET /v2/account`), plus the paper settings."""

    id = fields.Integer()
    name = fields.String()
    status = fields.String(metadata=described("ACTIVE (a closed account is gone from the API)"))
    currency = fields.String()
    account_type = fields.String(metadata=described("cash or margin"))
    fill_model = fields.String(metadata=described(FILL_MODEL))
    starting_cash = DecimalString(metadata=described("What a reset puts back"))
    cash = DecimalString()
    equity = DecimalString(metadata=described("Cash plus the market value of the positions"))
    last_equity = DecimalString(metadata=described("Equity at the last close (since opening or the last "
                                                   "reset: the starting cash)"))
    long_market_value = DecimalString()
    short_market_value = DecimalString(metadata=described("Zero or negative"))
    buying_power = DecimalString(metadata=described(
        "Cash accounts: the cash. Margin accounts: 2x equity less the gross market value held, as Alpaca's "
        "Reg T overnight buying power. Less what open orders hold back"))
    regt_buying_power = DecimalString(metadata=described("The same as buying_power"))
    non_marginable_buying_power = DecimalString(metadata=described("The cash"))
    multiplier = DecimalString(metadata=described("1 (cash) or 2 (margin)"))
    daytrade_count = fields.Integer(metadata=described(
        "Day trades (a US equity position closed the trading day it was opened) in the last 5 business days"))
    pattern_day_trader = fields.Boolean(metadata=described("4 day trades or more in 5 business days"))
    shorting_enabled = fields.Boolean(metadata=described("Margin accounts only"))
    cloned_from = fields.Integer(allow_none=True, metadata=described("The account it was cloned from"))
    created_at = Timestamp()
    updated_at = Timestamp()
    reset_at = Timestamp(allow_none=True, metadata=described("The last reset; null: never reset"))


class ActivitySchema(Schema):
    id = fields.Integer()
    activity_type = fields.String(metadata=described(
        "CSD: the starting cash deposited when the account opened; RESET: cash set back to the "
        "starting cash; FILL: an order filled"))
    net_amount = DecimalString(metadata=described("The change of cash (negative: out; fills: after fees)"))
    cash_after = DecimalString(metadata=described("The cash after it"))
    description = fields.String()
    created_at = Timestamp()
    order_id = fields.Integer(allow_none=True, metadata=described("FILL: the order filled"))
    symbol = fields.String(allow_none=True, metadata=described("FILL: its symbol"))
    side = fields.String(allow_none=True, metadata=described("FILL: buy or sell"))
    qty = DecimalString(allow_none=True, metadata=described("FILL: the quantity filled"))
    price = DecimalString(allow_none=True, metadata=described("FILL: the fill price"))
    day_trade = fields.Boolean(allow_none=True, metadata=described("FILL: whether it was a day trade"))
    realized_pl = DecimalString(
        allow_none=True, metadata=described("FILL: the P&L it realized, before fees"))
