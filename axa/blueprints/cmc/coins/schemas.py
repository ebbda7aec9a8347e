"""Schemas of the coin page and its daily history."""
from marshmallow import Schema, fields

from axa.blueprints.cmc.listings.schemas import DECIMAL, CoinQuoteSchema


class CoinSchema(Schema):
    id = fields.Integer(metadata={"description": "CMC id"})
    symbol = fields.String()
    name = fields.String()
    slug = fields.String(allow_none=True)
    asset_class = fields.String(metadata={"description": "crypto or token"})
    rank = fields.Integer(allow_none=True)
    is_active = fields.Boolean(allow_none=True)
    chain = fields.String(allow_none=True, metadata={"description": "Tokens: the platform chain"})
    token_address = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    logo = fields.String(allow_none=True)
    tags = fields.List(fields.String(), allow_none=True)
    urls = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), allow_none=True)
    date_added = fields.DateTime(allow_none=True)
    date_launched = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()
    quote = fields.Nested(CoinQuoteSchema, allow_none=True, metadata={
        "description": "The latest USD quote with as_of and stale; null if none yet"})


class CoinDaySchema(Schema):
    date = fields.Date(attribute="day")
    open = fields.Decimal(**DECIMAL)
    high = fields.Decimal(**DECIMAL)
    low = fields.Decimal(**DECIMAL)
    close = fields.Decimal(**DECIMAL)
    volume_24h = fields.Decimal(**DECIMAL)
    market_cap = fields.Decimal(**DECIMAL)
