"""Schemas of the instrument endpoints. Decimals are strings (no precision lost)."""
from marshmallow import Schema, fields, validate

from axa.blueprints.market.schemas import CODE, PLAIN
from axa.blueprints.stocks.quotes.schemas import QuoteSchema
from axa.platform.fields import DecimalString

ASSET_CLASSES = ("equity", "etf", "fund", "index", "bond")


class InstrumentQuerySchema(Schema):
    q = fields.String(validate=[validate.Length(min=1, max=100), PLAIN], metadata={
        "description": "Symbol prefix or name substring (case-insensitive), or an exact ISIN"})
    asset_class = fields.String(validate=validate.OneOf(ASSET_CLASSES))
    exchange = fields.String(validate=CODE, metadata={"example": "NASDAQ"})
    currency = fields.String(validate=[validate.Length(min=3, max=8), CODE], metadata={"example": "USD"})


class InstrumentSchema(Schema):
    id = fields.Integer()
    source = fields.String(metadata={"description": "Vendor: fmp, cbonds, terrapin"})
    source_instrument_id = fields.String()
    asset_class = fields.String(allow_none=True)
    asset_subclass = fields.String(allow_none=True)
    symbol = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    isin = fields.String(allow_none=True)
    cusip = fields.String(allow_none=True)
    figi = fields.String(allow_none=True)
    issuer_name = fields.String(allow_none=True)
    exchange = fields.String(allow_none=True)
    exchange_name = fields.String(allow_none=True)
    currency = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    sector = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    is_active = fields.Boolean(allow_none=True)
    updated_at = fields.DateTime()


class BondTermsSchema(Schema):
    coupon_rate = DecimalString(allow_none=True, metadata={"description": "Percent units"})
    coupon_type = fields.String(allow_none=True)
    coupon_frequency = fields.Integer(allow_none=True)
    next_coupon_date = fields.Date(allow_none=True)
    maturity_date = fields.Date(allow_none=True)
    issue_date = fields.Date(allow_none=True)
    face_value = DecimalString(allow_none=True)
    integral_multiple = DecimalString(allow_none=True)
    outstanding_amount = DecimalString(allow_none=True)
    day_count = fields.String(allow_none=True)
    reference_rate = fields.String(allow_none=True)
    margin = DecimalString(allow_none=True)
    callable = fields.Boolean(allow_none=True)
    puttable = fields.Boolean(allow_none=True)
    next_call_date = fields.Date(allow_none=True)
    status = fields.String(allow_none=True)
    issue_rating = fields.String(allow_none=True)
    issuer_rating = fields.String(allow_none=True)


class InstrumentDetailSchema(InstrumentSchema):
    cik = fields.String(allow_none=True)
    lei = fields.String(allow_none=True)
    bond_terms = fields.Nested(BondTermsSchema, allow_none=True, metadata={
        "description": "Bonds only: the terms from the same vendor"})
    quote = fields.Nested(QuoteSchema, allow_none=True, metadata={
        "description": "The latest quote from the quote cache, with as_of and stale; null if none"})


class BarSchema(Schema):
    date = fields.Date(attribute="trade_date")
    open = DecimalString(allow_none=True)
    high = DecimalString(allow_none=True)
    low = DecimalString(allow_none=True)
    close = DecimalString()
    volume = DecimalString(allow_none=True)
    yield_pct = DecimalString(allow_none=True, metadata={"description": "Bonds: yield, percent units"})
    price_unit = fields.String(metadata={"description": "currency or pct_of_nominal (bonds)"})
