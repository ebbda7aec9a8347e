"""Schemas of the bond screener."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from axa.blueprints.market.schemas import CODE, PLAIN
from axa.platform.fields import DecimalString

YIELD_MIN, YIELD_MAX = -100, 1000
YIELD = validate.Range(min=YIELD_MIN, max=YIELD_MAX)
# apispec writes a Decimal field's Range bounds as the field serializes them (strings): give the
# spec the numbers themselves.
YIELD_BOUNDS = {"minimum": YIELD_MIN, "maximum": YIELD_MAX}


class BondQuerySchema(Schema):
    issuer = fields.String(validate=[validate.Length(min=1, max=100), PLAIN], metadata={
        "description": "Issuer name substring (case-insensitive)"})
    currency = fields.String(validate=[validate.Length(min=3, max=8), CODE], metadata={"example": "EUR"})
    maturity_from = fields.Date(metadata={
        "description": "Maturing on or after this day (after `maturity_to`: 422)"})
    maturity_to = fields.Date(metadata={"description": "Maturing on or before this day"})
    min_yield = fields.Decimal(validate=YIELD, metadata={
        "description": "Yield at least (percent; above `max_yield`: 422)", **YIELD_BOUNDS})
    max_yield = fields.Decimal(validate=YIELD, metadata={"description": "Yield at most (percent)",
                                                         **YIELD_BOUNDS})

    @validates_schema
    def ranges(self, data: dict, **_) -> None:
        for low, high in (("maturity_from", "maturity_to"), ("min_yield", "max_yield")):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                raise ValidationError(f"`{low}` must not be above `{high}`.", field_name=low)


class BondSchema(Schema):
    id = fields.Integer()
    source = fields.String(metadata={"description": "Vendor: cbonds or terrapin"})
    source_instrument_id = fields.String()
    isin = fields.String(allow_none=True)
    symbol = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    issuer_name = fields.String(allow_none=True)
    currency = fields.String(allow_none=True)
    coupon_rate = DecimalString(allow_none=True, metadata={"description": "Percent units"})
    coupon_type = fields.String(allow_none=True)
    maturity_date = fields.Date(allow_none=True)
    status = fields.String(allow_none=True)
    price = DecimalString(allow_none=True)
    price_unit = fields.String(allow_none=True, metadata={"description": "pct_of_nominal for bonds"})
    yield_pct = DecimalString(allow_none=True, metadata={"description": "Percent units"})
    as_of = fields.DateTime(allow_none=True)
    stale = fields.Boolean(allow_none=True, metadata={
        "description": "The price is older than its dataset's freshness window (null: no price)"})
