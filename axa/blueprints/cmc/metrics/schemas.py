"""Schema of the global crypto market metrics (USD)."""
from marshmallow import Schema, fields

from axa.platform.fields import DecimalString

PERCENT = {"description": "Percent units"}


class GlobalMetricsSchema(Schema):
    quote_currency = fields.String()
    as_of = fields.DateTime()
    fetched_at = fields.DateTime()
    total_market_cap = DecimalString(allow_none=True)
    total_volume_24h = DecimalString(allow_none=True)
    altcoin_market_cap = DecimalString(allow_none=True)
    altcoin_volume_24h = DecimalString(allow_none=True)
    total_market_cap_change_pct_24h = DecimalString(allow_none=True, metadata=PERCENT)
    total_volume_change_pct_24h = DecimalString(allow_none=True, metadata=PERCENT)
    btc_dominance = DecimalString(allow_none=True, metadata=PERCENT)
    eth_dominance = DecimalString(allow_none=True, metadata=PERCENT)
    active_cryptocurrencies = fields.Integer(allow_none=True)
    total_cryptocurrencies = fields.Integer(allow_none=True)
    active_market_pairs = fields.Integer(allow_none=True)
    active_exchanges = fields.Integer(allow_none=True)
