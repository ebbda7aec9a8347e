"""The latest quote as the Redis contract holds it (axa/models/latest_quotes.py): numbers are decimal
strings exactly as the vendor sent them, times ISO-8601 UTC, ``stale`` against the freshness
window of the dataset that wrote the quote. Fields the vendor left empty are omitted."""
from marshmallow import Schema, ValidationError, fields

from axa.blueprints.market.schemas import PLAIN
from axa.platform.fields import DecimalString

MAX_SYMBOLS = 200
MAX_TEXT = 8000  # the whole ?symbols= value: within the apps' 8 KiB URL limit (request_limits.py)


class QuoteSchema(Schema):
    source = fields.String(metadata={"description": "Vendor: fmp, cbonds, terrapin"})
    id = fields.String(metadata={"description": "The vendor's instrument id"})
    dataset = fields.String()
    price = DecimalString()
    price_unit = fields.String(metadata={"description": "currency or pct_of_nominal (bonds)"})
    quote_currency = fields.String()
    change_abs = DecimalString()
    change_pct = DecimalString(metadata={"description": "Percent units (1.5 means 1.5 %)"})
    volume = DecimalString()
    volume_unit = fields.String()
    market_cap = DecimalString()
    yield_pct = DecimalString(metadata={"description": "Percent units"})
    bid = DecimalString()
    ask = DecimalString()
    change_pct_1h = DecimalString(metadata={"description": "Crypto: percent change over the last hour"})
    change_pct_7d = DecimalString(metadata={"description": "Crypto: percent change over the last 7 days"})
    as_of = fields.String(metadata={"description": "When the price was observed (ISO-8601 UTC)"})
    as_of_precision = fields.String(metadata={"description": "instant, or day for end-of-day prices"})
    fetched_at = fields.String(metadata={"description": "When it was fetched (ISO-8601 UTC)"})
    stale = fields.Boolean(metadata={"description": "Older than its dataset's freshness window"})


def parse_symbols(text: str) -> list[str]:
    """Comma-separated symbols -> upper case, trimmed, de-duplicated in order; ValueError if the
    text is over MAX_TEXT characters, if no symbol is left, more than MAX_SYMBOLS are, or one is
    over 64 characters."""
    if len(text) > MAX_TEXT:
        raise ValueError(f"At most {MAX_TEXT} characters.")
    symbols = list(dict.fromkeys(filter(None, map(str.strip, text.upper().split(",")))))
    if not symbols:
        raise ValueError("Name at least one symbol.")
    if len(symbols) > MAX_SYMBOLS:
        raise ValueError(f"At most {MAX_SYMBOLS} symbols.")
    if max(map(len, symbols)) > 64:
        raise ValueError("A symbol is at most 64 characters.")
    return symbols


class SymbolList(fields.String):
    """Comma-separated symbols, documented as the string sent and loaded as the list
    ``parse_symbols`` makes of it (no control characters: ``PLAIN``, the market APIs' check): one
    field, no post-load hook (the schema's marshmallow machinery was a tenth of the quotes
    request's own CPU time)."""

    def _deserialize(self, value, attr, data, **kwargs) -> list[str]:
        text = PLAIN(super()._deserialize(value, attr, data, **kwargs))
        try:
            return parse_symbols(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class QuotesQuerySchema(Schema):
    symbols = SymbolList(required=True, metadata={
        "minLength": 1, "maxLength": MAX_TEXT, "pattern": PLAIN.regex.pattern, "description": (
        f"Comma-separated symbols or ISINs, 1 to {MAX_SYMBOLS} once blanks and repeats are dropped, "
        f"each at most 64 characters, {MAX_TEXT} characters in all, no control characters (else 422; "
        "a URL over 8 KiB is 414)")})


class QuotesSchema(Schema):
    quotes = fields.Dict(keys=fields.String(), values=fields.Nested(QuoteSchema),
                         metadata={"description": "SYMBOL -> its latest quote"})
    missing = fields.List(fields.String(), metadata={
        "description": "Symbols with no quote (unknown, or not yet fetched)"})
