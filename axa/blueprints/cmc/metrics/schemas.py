"""Schema of the global crypto market metrics (USD)."""
from marshmallow import Schema, fields

DECIMAL = {"as_string": True, "allow_none": True}


class GlobalMetricsSchema(Schema):
    quote_currency = fields.String()
    as_of = fields.DateTime()
    fetched_at = fields.DateTime()
    total_market_cap = fields.Decimal(**DECIMAL)
    total_volume_24h = fields.Decimal(**DECIMAL)
    altcoin_market_cap = fields.Decimal(**DECIMAL)
    altcoin_volume_24h = fields.Decimal(**DECIMAL)
    total_market_cap_change_pct_24h = fields.Decimal(**DECIMAL, metadata={"description": "Percent units"})
    total_volume_change_pct_24h = fields.Decimal(**DECIMAL, metadata={"description": "Percent units"})
    btc_dominance = fields.Decimal(**DECIMAL, metadata={"description": "Percent units"})
    eth_dominance = fields.Decimal(**DECIMAL, metadata={"description": "Percent units"})
    active_cryptocurrencies = fields.Integer(allow_none=True)
    total_cryptocurrencies = fields.Integer(allow_none=True)
    active_market_pairs = fields.Integer(allow_none=True)
    active_exchanges = fields.Integer(allow_none=True)
