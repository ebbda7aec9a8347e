"""Schemas of the coin page and its daily history."""
from marshmallow import Schema, fields

from axa.blueprints.cmc.listings.schemas import CoinQuoteSchema
from axa.platform.fields import DecimalString


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
    open = DecimalString(allow_none=True)
    high = DecimalString(allow_none=True)
    low = DecimalString(allow_none=True)
    close = DecimalString(allow_none=True)
    volume_24h = DecimalString(allow_none=True)
    market_cap = DecimalString(allow_none=True)
