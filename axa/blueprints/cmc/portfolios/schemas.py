"""Schemas of the portfolios: the portfolio with its holdings and P&L, its transactions, and their
changes. Quantities, prices, fees and money are decimal strings (DESIGN.md §9)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from axa.blueprints.cmc.watchlists.schemas import described, trimmed, unicode_text
from axa.blueprints.market.schemas import BIGINT_MAX, PLAIN
from axa.models.cmc.portfolios import KINDS, METHODS, NAME_MAX, NOTE_MAX, SYMBOL_MAX
from axa.platform.fields import DecimalString, Timestamp

NAME_RULE = (f"1 to {NAME_MAX} characters, leading and trailing spaces dropped (blank, or text that is not "
             "valid Unicode: 422), unique among your portfolios (taken: 409, reason `duplicate_name`)")
SHORT_RULE = ("Whether a sell of more units than held opens a short position (negative quantity, its "
              "cost basis the proceeds) instead of being refused with `insufficient_quantity`")
METHOD_RULE = ("How the cost basis of what is sold is counted: `fifo` (oldest lots first) or `average` "
               "(average cost)")
ONE_ASSET = "Send exactly one of `coin_id` and `symbol` (both or neither: 422)"
DIGITS = "at most 20 digits before the point and 18 after it"
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
CURRENCY = validate.Regexp(r"^[A-Za-z]{3}$", error="Three letters.")
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="NUL characters are not allowed.")


def storable(value: Decimal) -> None:
    """A number the Numeric(38, 18) columns hold exactly."""
    if value.as_tuple().exponent < -18 or abs(value) >= Decimal(10) ** 20:
        raise ValidationError(f"Use {DIGITS}.")


def amount(minimum_rule: str, positive: bool = False, **kwargs) -> DecimalString:
    low = validate.Range(min=Decimal(0), min_inclusive=not positive, error=minimum_rule)
    return DecimalString(validate=[low, storable], **kwargs)


class PortfolioCreateSchema(Schema):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=NAME_MAX), PLAIN, unicode_text],
                         metadata=described(NAME_RULE))
    cost_basis = fields.String(load_default="fifo", validate=validate.OneOf(METHODS),
                               metadata=described(f"{METHOD_RULE}; default `fifo`"))
    allow_short = fields.Boolean(load_default=False, metadata=described(
        f"{SHORT_RULE}; default false (a linked paper account: always true)"))
    paper_account_id = fields.Integer(validate=validate.Range(min=1, max=BIGINT_MAX), metadata=described(
        "Link one of your paper accounts of the trading terminal: its fills become this portfolio's "
        "transactions, copied within a minute, read-only (see `paper`)"))

    @post_load
    def trim(self, data: dict, **_) -> dict:
        return trimmed(data, "name")


class PortfolioPatchSchema(PortfolioCreateSchema):
    class Meta:
        exclude = ("paper_account_id",)

    name = fields.String(validate=[validate.Length(min=1, max=NAME_MAX), PLAIN, unicode_text],
                         metadata=described(f"A new name (left out: unchanged): {NAME_RULE}"))
    cost_basis = fields.String(validate=validate.OneOf(METHODS), metadata=described(
        f"{METHOD_RULE}; changing it recounts the P&L of every past transaction"))
    allow_short = fields.Boolean(metadata=described(
        f"{SHORT_RULE}; turning it off when a position's history goes short: 409 `short_position`; on a "
        "linked paper account: 409 `paper_linked`"))


class TransactionCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS), metadata=described(
        "`buy`, `sell`, `transfer_in` (adds a lot at `price`, 0 if left out), `transfer_out` (removes "
        "units without realizing P&L) or `fee` (a fee paid in the asset: the units are a realized loss)"))
    coin_id = fields.Integer(validate=validate.Range(min=1, max=BIGINT_MAX), metadata=described(
        f"A coin by CMC id (no such coin: 422). {ONE_ASSET}"))
    symbol = fields.String(validate=[validate.Length(min=1, max=SYMBOL_MAX), PLAIN, unicode_text],
                           metadata=described("A stocks instrument by symbol or ISIN, any case (blank, or "
                                              f"unknown to the stocks market data: 422). {ONE_ASSET}"))
    quantity = amount("Must be more than 0.", positive=True, required=True, metadata=described(
        f"Units, more than 0, {DIGITS}; removing more than held at that time (`sell`, `transfer_out`, "
        "`fee`): 422 with reason `insufficient_quantity`"))
    price = amount("Must not be negative.", metadata=described(
        f"Price per unit in `currency`, 0 or more, {DIGITS}; required for `buy` and `sell` (left out: 422)"))
    fee = amount("Must not be negative.", load_default=Decimal(0), metadata=described(
        f"A fee paid in `currency`, 0 or more (default 0), {DIGITS} (else 422)"))
    currency = fields.String(load_default="USD", validate=CURRENCY, metadata=described(
        "The price's and fee's currency, three letters, any case (default USD; else 422)"))
    executed_at = fields.AwareDateTime(default_timezone=UTC, metadata=described(
        "When it happened, ISO 8601 (no offset: UTC; default: now; in the future or before 1900: 422)"))
    note = fields.String(validate=[validate.Length(max=NOTE_MAX), NO_NUL, unicode_text], metadata=described(
        f"Up to {NOTE_MAX} characters (not valid Unicode or NUL: 422)"))

    @validates_schema
    def consistent(self, data: dict, **_) -> None:
        if ("coin_id" in data) == ("symbol" in data):
            raise ValidationError({"coin_id": [ONE_ASSET], "symbol": [ONE_ASSET]})
        if data.get("kind") in ("buy", "sell") and data.get("price") is None:
            raise ValidationError("A buy or a sell needs its price.", field_name="price")
        moment = data.get("executed_at")
        if moment is not None and not EARLIEST <= moment <= datetime.now(UTC):
            raise ValidationError("Must not be in the future, nor before 1900.", field_name="executed_at")

    @post_load
    def normalized(self, data: dict, **_) -> dict:
        data = trimmed(data, "symbol")
        if "symbol" in data:
            data["symbol"] = data["symbol"].upper()
        data["currency"] = data["currency"].upper()
        data.setdefault("executed_at", datetime.now(UTC))
        return data


class TransactionSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    asset_kind = fields.String(metadata=described("coin or stock"))
    coin_id = fields.Integer(allow_none=True)
    symbol = fields.String(allow_none=True, metadata=described("Stocks: the instrument's symbol"))
    quantity = DecimalString()
    price = DecimalString(allow_none=True)
    fee = DecimalString()
    currency = fields.String()
    executed_at = Timestamp()
    note = fields.String(allow_none=True)
    fill_id = fields.Integer(allow_none=True, metadata=described(
        "A linked paper account's fill (its activity id) this transaction copies; null: entered here"))
    created_at = Timestamp()


class PaperLinkSchema(Schema):
    account_id = fields.Integer(metadata=described("The paper account of the trading terminal"))
    state = fields.String(metadata=described(
        "`linking` (no answer from the terminal yet), `linked`, or `failed` (see `error`; no longer copied)"))
    error = fields.String(allow_none=True)
    synced_at = Timestamp(allow_none=True, metadata=described("When its fills were last copied"))


class PortfolioSummarySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    cost_basis = fields.String(metadata=described(METHOD_RULE))
    allow_short = fields.Boolean(metadata=described(SHORT_RULE))
    paper = fields.Nested(PaperLinkSchema, allow_none=True, metadata=described(
        "The linked paper account (its transactions are read-only: changes answer 409 `paper_linked`); "
        "null: an ordinary portfolio"))
    transactions_count = fields.Integer()
    created_at = Timestamp()
    updated_at = Timestamp()


class HoldingSchema(Schema):
    """One asset held (or once held) in one currency."""

    asset_kind = fields.String(metadata=described("coin or stock"))
    coin_id = fields.Integer(allow_none=True)
    symbol = fields.String(allow_none=True, metadata=described("Coins: the coin's symbol; stocks: its own"))
    name = fields.String(allow_none=True, metadata=described("Coins: the coin's name"))
    currency = fields.String()
    quantity = DecimalString()
    cost_basis = DecimalString(metadata=described("What the units held cost, fees included"))
    average_cost = DecimalString(allow_none=True, metadata=described("Per unit; null when none are held"))
    realized_pnl = DecimalString(metadata=described("From sells and fees, by the portfolio's method"))
    fees = DecimalString(metadata=described("Every fee paid in `currency` on this asset"))
    price = DecimalString(allow_none=True, metadata=described(
        "The latest quote's price; null: no quote in this currency (a quote naming no currency counts)"))
    as_of = fields.String(allow_none=True, metadata=described("When the price was observed (ISO-8601 UTC)"))
    stale = fields.Boolean(allow_none=True, metadata=described(
        "The quote is older than its dataset's freshness window; null: no quote"))
    market_value = DecimalString(allow_none=True)
    unrealized_pnl = DecimalString(allow_none=True)
    allocation_pct = DecimalString(allow_none=True, metadata=described(
        "Percent of the market value of the portfolio's quoted holdings in this currency"))


class TotalsSchema(Schema):
    currency = fields.String()
    cost_basis = DecimalString()
    market_value = DecimalString(metadata=described("Of the quoted holdings"))
    realized_pnl = DecimalString()
    unrealized_pnl = DecimalString(metadata=described("Of the quoted holdings"))
    fees = DecimalString()
    unquoted = fields.Integer(metadata=described("Holdings with units but no quote in this currency"))


class PortfolioSchema(PortfolioSummarySchema):
    holdings = fields.List(fields.Nested(HoldingSchema), metadata=described("By market value, largest first"))
    totals = fields.List(fields.Nested(TotalsSchema), metadata=described("One per currency"))


HISTORY_DAYS = 366
HISTORY_DEFAULT_DAYS = 90


class HistoryQuerySchema(Schema):
    start = fields.Date(metadata=described(f"The first day, UTC (default: {HISTORY_DEFAULT_DAYS} days up to "
                                           f"`end`; after `end`, or more than {HISTORY_DAYS} days before it: "
                                           "422)"))
    end = fields.Date(metadata=described("The last day, UTC (default: today)"))
    currency = fields.String(validate=CURRENCY, metadata=described(
        "Only this currency, three letters, any case (else 422; default: every currency)"))

    @post_load
    def window(self, data: dict, **_) -> dict:
        data.setdefault("end", datetime.now(UTC).date())
        data.setdefault("start", data["end"] - timedelta(days=HISTORY_DEFAULT_DAYS - 1))
        if not timedelta(0) <= data["end"] - data["start"] < timedelta(days=HISTORY_DAYS):
            raise ValidationError(f"At most {HISTORY_DAYS} days, not after `end`.", field_name="start")
        if "currency" in data:
            data["currency"] = data["currency"].upper()
        return data


class PortfolioValueSchema(Schema):
    """The portfolio's value in one currency at the end of one UTC day (its last snapshot)."""

    day = fields.Date()
    currency = fields.String()
    market_value = DecimalString(metadata=described("Of the holdings quoted then"))
    cost_basis = DecimalString()
    realized_pnl = DecimalString()
    unrealized_pnl = DecimalString(metadata=described("Of the holdings quoted then"))
    unquoted = fields.Integer(metadata=described("Holdings with units but no quote then"))
    taken_at = Timestamp(metadata=described("When the snapshot was taken"))
