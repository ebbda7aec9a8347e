"""Schemas of the crypto listings. Decimals are strings (no precision lost); USD quotes."""
from marshmallow import Schema, fields, validate

from axa.platform.fields import DecimalString

SORTS = ("market_cap", "price", "volume_24h", "percent_change_24h")


class ListingQuerySchema(Schema):
    sort = fields.String(load_default="market_cap", validate=validate.OneOf(SORTS))
    dir = fields.String(load_default="desc", validate=validate.OneOf(("asc", "desc")))


class CoinQuoteSchema(Schema):
    quote_currency = fields.String()
    price = DecimalString(allow_none=True)
    volume_24h = DecimalString(allow_none=True)
    market_cap = DecimalString(allow_none=True)
    percent_change_24h = DecimalString(allow_none=True, metadata={"description": "Percent units"})
    as_of = fields.DateTime(metadata={"description": "CMC's last_updated for the quote"})
    fetched_at = fields.DateTime()
    stale = fields.Boolean(metadata={"description": "Older than the listings' freshness window"})


class ListingSchema(CoinQuoteSchema):
    id = fields.Integer(metadata={"description": "CMC id"})
    symbol = fields.String()
    name = fields.String()
    slug = fields.String(allow_none=True)
    asset_class = fields.String(metadata={"description": "crypto or token"})
