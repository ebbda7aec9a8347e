"""Schemas of the trader's diary: accounts, executions, trades and their queries. Quantities,
prices and money are decimal strings (DESIGN.md §9)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from axa.blueprints.cmc.portfolios.schemas import DIGITS, EARLIEST, amount
from axa.blueprints.cmc.watchlists.schemas import described, trimmed, unicode_text
from axa.blueprints.market.schemas import PLAIN
from axa.models.stocks.diary import NAME_MAX, SIDES, SOURCES, SYMBOL_MAX
from axa.platform.fields import DecimalString, Timestamp

NAME_RULE = (f"1 to {NAME_MAX} characters, leading and trailing spaces dropped (blank, or text that is not "
             "valid Unicode: 422), unique among your diary accounts (taken: 409, reason `duplicate_name`)")
SYMBOL = validate.Regexp(r"^[A-Za-z0-9.\-_/:^=]+$", error="Letters, digits and . - _ / : ^ = only.")
TRADES_COUNT_MAX = 100
TRADES_COUNT_DEFAULT = 25
RANGE_DAYS = 3660


class AccountCreateSchema(Schema):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=NAME_MAX), PLAIN, unicode_text],
                         metadata=described(NAME_RULE))
    source = fields.String(load_default="manual", validate=validate.OneOf(SOURCES[:1]), metadata=described(
        "Where the executions come from: `manual` (entered or imported through the API; default). "
        "Accounts of source `terminal` appear with a paper account's first fill"))

    @post_load
    def trim(self, data: dict, **_) -> dict:
        return trimmed(data, "name")


class AccountPatchSchema(Schema):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=NAME_MAX), PLAIN, unicode_text],
                         metadata=described(f"The new name: {NAME_RULE}"))

    @post_load
    def trim(self, data: dict, **_) -> dict:
        return trimmed(data, "name")


class AccountSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    source = fields.String(metadata=described("`manual`, or `terminal`: a paper account's fills (read-only "
                                              "to entry and imports: 409 `read_only_account`)"))
    executions_count = fields.Integer()
    created_at = Timestamp()
    updated_at = Timestamp()


class ExecutionCreateSchema(Schema):
    symbol = fields.String(required=True, validate=[validate.Length(min=1, max=SYMBOL_MAX), SYMBOL],
                           metadata=described(f"The instrument, 1 to {SYMBOL_MAX} letters, digits or . - _ / "
                                              ": ^ =, any case (stored upper-case; else 422)"))
    side = fields.String(required=True, validate=validate.OneOf(SIDES), metadata=described("`buy` or `sell`"))
    quantity = amount("Must be more than 0.", positive=True, required=True,
                      metadata=described(f"Units, more than 0, {DIGITS} (else 422)"))
    price = amount("Must not be negative.", required=True,
                   metadata=described(f"Price per unit, 0 or more, {DIGITS} (else 422)"))
    fee = amount("Must not be negative.", load_default=Decimal(0),
                 metadata=described(f"Fees and commissions paid, 0 or more (default 0), {DIGITS} (else 422)"))
    executed_at = fields.AwareDateTime(required=True, default_timezone=UTC, metadata=described(
        "When it was filled, ISO 8601 (no offset: UTC; in the future or before 1900: 422)"))
    initial_risk = amount("Must be more than 0.", positive=True, metadata=described(
        f"Optional: the money risked by this opening execution (entry to stop), more than 0, {DIGITS} "
        "(else 422); a trade's "
        "risk is the sum over its opening executions and gives its R multiple"))

    @validates_schema
    def not_future(self, data: dict, **_) -> None:
        moment = data.get("executed_at")
        if moment is not None and not EARLIEST <= moment <= datetime.now(UTC):
            raise ValidationError("Must not be in the future, nor before 1900.", field_name="executed_at")

    @post_load
    def normalized(self, data: dict, **_) -> dict:
        data["symbol"] = data["symbol"].upper()
        return data


class ExecutionSchema(Schema):
    id = fields.Integer()
    symbol = fields.String()
    side = fields.String()
    quantity = DecimalString()
    price = DecimalString()
    fee = DecimalString()
    executed_at = Timestamp()
    initial_risk = DecimalString(allow_none=True)
    fingerprint = fields.String(metadata=described("sha256 of the normalized symbol, side, quantity, price, "
                                                   "fee and time: unique in the account"))
    created_at = Timestamp()


class TradesQuerySchema(Schema):
    symbol = fields.String(validate=[validate.Length(min=1, max=SYMBOL_MAX), SYMBOL],
                           metadata=described("Only this symbol, any case (not a symbol: 422)"))
    start = fields.Date(metadata=described("Only trades opened on or after this UTC day"))
    end = fields.Date(metadata=described(f"Only trades opened on or before this UTC day (before `start`, "
                                         f"or more than {RANGE_DAYS} days after it: 422)"))

    @validates_schema
    def ordered(self, data: dict, **_) -> None:
        start, end = data.get("start"), data.get("end")
        if start and end and not timedelta(0) <= end - start <= timedelta(days=RANGE_DAYS):
            raise ValidationError(f"Not before `start`, at most {RANGE_DAYS} days after it.",
                                  field_name="end")

    @post_load
    def normalized(self, data: dict, **_) -> dict:
        if "symbol" in data:
            data["symbol"] = data["symbol"].upper()
        return data


class TradesPageQuerySchema(TradesQuerySchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000),
                          metadata=described("The page, from 1 (default 1)"))
    count = fields.Integer(load_default=TRADES_COUNT_DEFAULT,
                           validate=validate.Range(min=1, max=TRADES_COUNT_MAX),
                           metadata=described(f"Trades a page (default {TRADES_COUNT_DEFAULT}, at most "
                                              f"{TRADES_COUNT_MAX})"))


class TradeSchema(Schema):
    symbol = fields.String()
    direction = fields.String(metadata=described("`long` or `short`"))
    status = fields.String(metadata=described("`open` or `closed`"))
    entry_at = Timestamp(metadata=described("The first execution's time"))
    exit_at = Timestamp(allow_none=True, metadata=described("The closing execution's time; null while open"))
    holding_seconds = fields.Integer(allow_none=True,
                                     metadata=described("From entry to exit; null while open"))
    quantity = DecimalString(metadata=described("Every unit opened over the trade's life (with scale-ins)"))
    open_quantity = DecimalString(metadata=described("Units still open"))
    average_entry = DecimalString()
    average_exit = DecimalString(allow_none=True, metadata=described("Null before any exit"))
    gross_pnl = DecimalString(metadata=described("Realized by FIFO, before fees"))
    fees = DecimalString(metadata=described("Of its executions (a flipping execution's fee is shared by "
                                            "quantity)"))
    net_pnl = DecimalString()
    initial_risk = DecimalString(allow_none=True)
    r_multiple = DecimalString(allow_none=True,
                               metadata=described("net_pnl / initial_risk; null without risk"))
    execution_ids = fields.List(fields.Integer())


class TradesPageSchema(Schema):
    trades = fields.List(fields.Nested(TradeSchema), metadata=described("Newest entry first"))
    page = fields.Integer()
    count = fields.Integer()
    total = fields.Integer(metadata=described("Trades matching the filters"))
