"""Schemas of the watchlists: the list with its items and their latest quotes, and its changes.

An item is a coin (``coin_id``, a CMC id) or a stocks instrument (``symbol``: a symbol or ISIN the
stocks market data knows, any case, kept in upper case)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from axa.blueprints.market.schemas import BIGINT_MAX, PLAIN
from axa.models.cmc.watchlists import NAME_MAX, SYMBOL_MAX
from axa.platform.fields import DecimalString, Timestamp

PERCENT = "Percent units (1.5 means 1.5 %)"
ITEM_IDS_MAX = 1000
NAME_RULE = (f"1 to {NAME_MAX} characters, leading and trailing spaces dropped (blank, or text that is not "
             "valid Unicode: 422), unique among your watchlists (taken: 409, reason `duplicate_name`)")
ONE_TARGET = "Send exactly one of `coin_id` and `symbol` (both or neither: 422)"


def described(text: str) -> dict:
    return {"description": text}


def unicode_text(value: str) -> None:
    """Text PostgreSQL can store: no lone surrogate (JSON can carry ``"\\udc80"``)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Not valid Unicode text.") from None


def trimmed(data: dict, name: str) -> dict:
    if name in data:
        data[name] = data[name].strip()
        if not data[name]:
            raise ValidationError("Must not be blank.", field_name=name)
    return data


class WatchlistNameSchema(Schema):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=NAME_MAX), PLAIN, unicode_text],
                         metadata={"description": NAME_RULE})

    @post_load
    def trim(self, data: dict, **_) -> dict:
        return trimmed(data, "name")


class WatchlistPatchSchema(WatchlistNameSchema):
    name = fields.String(validate=[validate.Length(min=1, max=NAME_MAX), PLAIN, unicode_text],
                         metadata={"description": f"A new name (left out: unchanged): {NAME_RULE}"})


class ItemCreateSchema(Schema):
    coin_id = fields.Integer(validate=validate.Range(min=1, max=BIGINT_MAX), metadata={
        "description": f"A coin by CMC id (no such coin: 422). {ONE_TARGET}"})
    symbol = fields.String(validate=[validate.Length(min=1, max=SYMBOL_MAX), PLAIN, unicode_text], metadata={
        "description": "A stocks instrument by symbol or ISIN, any case (blank, not valid Unicode, or "
                       f"unknown to the stocks market data: 422). {ONE_TARGET}"})
    position = fields.Integer(validate=validate.Range(min=0, max=2**31 - 1), metadata={
        "description": "Where to put it, 0 first (default, or past the end: last)"})

    @validates_schema
    def one_target(self, data: dict, **_) -> None:
        if ("coin_id" in data) == ("symbol" in data):
            raise ValidationError({"coin_id": [ONE_TARGET], "symbol": [ONE_TARGET]})

    @post_load
    def upper(self, data: dict, **_) -> dict:
        data = trimmed(data, "symbol")
        if "symbol" in data:
            data["symbol"] = data["symbol"].upper()
        return data


class ReorderSchema(Schema):
    item_ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=BIGINT_MAX)), required=True,
                           validate=validate.Length(max=ITEM_IDS_MAX), metadata={
                               "description": "Every item id of the list, each once, in the new order "
                                              "(any other set of ids: 422)"})


class ItemQuoteSchema(Schema):
    """The item's latest quote from the latest-quote contract (axa/models/latest_quotes.py)."""

    price = DecimalString(allow_none=True)
    quote_currency = fields.String(allow_none=True)
    change_pct_1h = DecimalString(allow_none=True, metadata=described(f"Last hour (coins). {PERCENT}"))
    change_pct_24h = DecimalString(allow_none=True, metadata=described(
        f"Last 24 hours (coins); stocks: the change the vendor reports (the day's). {PERCENT}"))
    change_pct_7d = DecimalString(allow_none=True, metadata=described(f"Last 7 days (coins). {PERCENT}"))
    volume = DecimalString(allow_none=True)
    market_cap = DecimalString(allow_none=True)
    as_of = fields.String(allow_none=True, metadata=described("When the price was observed (ISO-8601 UTC)"))
    stale = fields.Boolean(metadata=described("Older than the freshness window of the dataset that wrote it"))


class ItemSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "coin or stock"})
    coin_id = fields.Integer(allow_none=True, metadata={"description": "Coins: the CMC id"})
    symbol = fields.String(allow_none=True, metadata=described("Coins: the coin's symbol; stocks: its own"))
    name = fields.String(allow_none=True, metadata={"description": "Coins: the coin's name"})
    slug = fields.String(allow_none=True, metadata={"description": "Coins: the coin's slug"})
    position = fields.Integer(metadata={"description": "0 first"})
    added_at = Timestamp()
    quote = fields.Nested(ItemQuoteSchema, allow_none=True, metadata={"description": "null: no quote yet"})


class SharedWatchlistSchema(Schema):
    name = fields.String()
    created_at = Timestamp()
    updated_at = Timestamp()
    items = fields.List(fields.Nested(ItemSchema), metadata={"description": "In their order"})


class ShareSchema(Schema):
    share_token = fields.String(allow_none=True, metadata={"description": "null: not shared"})
    share_url = fields.String(allow_none=True, metadata={
        "description": "Where anyone can read the list without signing in; null: not shared"})


class WatchlistSummarySchema(ShareSchema):
    id = fields.Integer()
    name = fields.String()
    items_count = fields.Integer()
    created_at = Timestamp()
    updated_at = Timestamp()


class WatchlistSchema(WatchlistSummarySchema, SharedWatchlistSchema):
    pass
