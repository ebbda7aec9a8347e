"""Schemas of the price alerts and their events. Levels, thresholds and prices are decimal strings
(DESIGN.md §9). Which fields a condition needs is checked by the service, which answers 422 with a
``reason`` naming what is wrong (axa/blueprints/cmc/alerts/service.py)."""
from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from axa.blueprints.cmc.portfolios.schemas import DIGITS, storable
from axa.blueprints.cmc.watchlists.schemas import described, trimmed, unicode_text
from axa.blueprints.market.schemas import BIGINT_MAX, PLAIN
from axa.models.cmc.alerts import CHANNELS, CONDITIONS, SYMBOL_MAX, WINDOWS
from axa.platform.fields import DecimalString, Timestamp
from axa.platform.keyset import KeysetQuerySchema

NOTE_MAX = 200
COOLDOWN_MAX = 30 * 86400
READ_IDS_MAX = 1000
ONE_TARGET = "Send exactly one of `coin_id`, `coin_symbol` and `symbol` (none or several: 422)"
CONDITION_RULE = (
    "`price_above` / `price_below`: the price crosses `level` (at the level counts); `change_up` / "
    "`change_down` / `change_any`: the percent change over `window` rises past +`threshold_pct`, falls "
    "past -`threshold_pct`, or either")
LEVEL_RULE = (f"Price alerts only (required there): more than 0, {DIGITS}, in USD for coins and in the "
              "instrument's currency for stocks (else 422, reason `bad_level`)")
THRESHOLD_RULE = ("Change alerts only (required there): percent units (5 means 5 %), more than 0 and at "
                  "most 10000 (else 422, reason `bad_threshold`)")
CHANNELS_RULE = ("Where a firing goes: `in_app` (the events list) and/or `mail`, each once (else 422; "
                 "default: `[\"in_app\"]`)")
NOTE_RULE = (f"Up to {NOTE_MAX} characters, yours to read (control characters or text that is not valid "
             "Unicode: 422)")
ONE_WAY = "Send `ids` or `up_to_id` (both or neither: 422)"
SIDE_RULE = ("Where the price was last seen: `above` / `below` the level, `beyond` / `within` the "
             "threshold; null: no quote yet. Set from the latest quote when the alert is created or "
             "re-armed, so an alert fires on a crossing, never for a price already beyond")


class PlainDecimal(DecimalString):
    """A stored decimal without the column's trailing zeros, never in exponent form."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return super()._serialize(value, attr, obj, **kwargs)


class AlertFieldsSchema(Schema):
    level = DecimalString(validate=storable, metadata=described(LEVEL_RULE))
    threshold_pct = DecimalString(validate=storable, metadata=described(THRESHOLD_RULE))
    window = fields.String(validate=validate.OneOf(WINDOWS), metadata=described(
        "Change alerts: `1h` (coins only: stocks quotes carry no hourly change; 422, reason "
        "`window_unavailable`) or `24h` (default)"))
    recurring = fields.Boolean(metadata=described(
        "false (default): fires once, then its status is `triggered`; true: fires on every crossing "
        "(after crossing back), at most once per `cooldown_s`"))
    cooldown_s = fields.Integer(validate=validate.Range(min=0, max=COOLDOWN_MAX), metadata=described(
        "Recurring alerts: seconds between two firings (default 3600; below the configured minimum: 422, "
        "reason `bad_cooldown`)"))
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)),
                           validate=validate.Length(min=1, max=len(CHANNELS)),
                           metadata=described(CHANNELS_RULE))
    note = fields.String(allow_none=True, validate=[validate.Length(max=NOTE_MAX), PLAIN, unicode_text],
                         metadata=described(NOTE_RULE))

    @validates_schema
    def distinct_channels(self, data: dict, **_) -> None:
        if len(set(data.get("channels", []))) != len(data.get("channels", [])):
            raise ValidationError("Each channel once.", field_name="channels")


class AlertCreateSchema(AlertFieldsSchema):
    coin_id = fields.Integer(validate=validate.Range(min=1, max=BIGINT_MAX), metadata=described(
        f"A coin by CMC id (no such coin: 422, reason `unknown_coin`). {ONE_TARGET}"))
    coin_symbol = fields.String(validate=[validate.Length(min=1, max=SYMBOL_MAX), PLAIN, unicode_text],
                                metadata=described(
        "A coin by symbol, any case: the best-ranked coin with it (none: 422, reason `unknown_coin`). "
        + ONE_TARGET))
    symbol = fields.String(validate=[validate.Length(min=1, max=SYMBOL_MAX), PLAIN, unicode_text],
                           metadata=described(
        "A stocks instrument by symbol or ISIN, any case (unknown to the stocks market data: 422, reason "
        f"`unknown_symbol`). {ONE_TARGET}"))
    condition = fields.String(required=True, validate=validate.OneOf(CONDITIONS),
                              metadata=described(CONDITION_RULE))

    @validates_schema
    def one_target(self, data: dict, **_) -> None:
        if sum(name in data for name in ("coin_id", "coin_symbol", "symbol")) != 1:
            raise ValidationError({name: [ONE_TARGET] for name in ("coin_id", "coin_symbol", "symbol")})

    @post_load
    def upper(self, data: dict, **_) -> dict:
        for name in ("symbol", "coin_symbol"):
            data = trimmed(data, name)
            if name in data:
                data[name] = data[name].upper()
        return data


class AlertPatchSchema(AlertFieldsSchema):
    status = fields.String(validate=validate.OneOf(("active", "paused")), metadata=described(
        "`paused` stops it; `active` re-arms a paused or triggered alert (past the limit of active "
        "alerts: 409, reason `alert_limit`)"))


class AlertSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata=described("coin or stock"))
    coin_id = fields.Integer(allow_none=True, metadata=described("Coins: the CMC id"))
    symbol = fields.String(metadata=described("Coins: the coin's symbol; stocks: the instrument's"))
    condition = fields.String(metadata=described(CONDITION_RULE))
    level = PlainDecimal(allow_none=True)
    threshold_pct = PlainDecimal(allow_none=True)
    window = fields.String(allow_none=True)
    recurring = fields.Boolean()
    cooldown_s = fields.Integer()
    channels = fields.List(fields.String())
    status = fields.String(metadata=described("`active`, `paused`, or `triggered` (a one-shot that fired)"))
    note = fields.String(allow_none=True)
    side = fields.String(allow_none=True, attribute="last_side", metadata=described(SIDE_RULE))
    last_price = PlainDecimal(allow_none=True, metadata=described("The price when `side` was last set"))
    last_fired_at = Timestamp(allow_none=True, metadata=described("The time of the quote that last fired it"))
    fired_count = fields.Integer()
    created_at = Timestamp()
    updated_at = Timestamp()


class AlertListQuerySchema(KeysetQuerySchema):
    status = fields.String(validate=validate.OneOf(("active", "paused", "triggered")),
                           metadata=described("Only alerts in this status"))


class EventListQuerySchema(KeysetQuerySchema):
    unread = fields.Boolean(metadata=described("true: only the unread events"))


class AlertEventSchema(Schema):
    id = fields.Integer()
    alert_id = fields.Integer(metadata=described("The alert that fired (it may have been deleted since)"))
    kind = fields.String()
    coin_id = fields.Integer(allow_none=True)
    symbol = fields.String()
    condition = fields.String()
    level = PlainDecimal(allow_none=True)
    threshold_pct = PlainDecimal(allow_none=True)
    window = fields.String(allow_none=True)
    price = PlainDecimal(metadata=described("The price that fired it"))
    change_pct = PlainDecimal(allow_none=True, metadata=described("Change alerts: the change that fired it"))
    as_of = Timestamp(metadata=described("The time of the quote that fired it"))
    fired_at = Timestamp()
    read = fields.Boolean()
    mail = fields.String(allow_none=True, attribute="mail_state", metadata=described(
        "null: not mailed; `pending`, `sent`, or `skipped` (no active account or address refused)"))


class MarkReadSchema(Schema):
    ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=BIGINT_MAX)),
                      validate=validate.Length(min=1, max=READ_IDS_MAX),
                      metadata=described(f"These events (up to {READ_IDS_MAX}). {ONE_WAY}"))
    up_to_id = fields.Integer(validate=validate.Range(min=1, max=BIGINT_MAX),
                              metadata=described(f"Every event up to this id. {ONE_WAY}"))

    @validates_schema
    def one_way(self, data: dict, **_) -> None:
        if ("ids" in data) == ("up_to_id" in data):
            raise ValidationError({"ids": ["Send `ids` or `up_to_id`."], "up_to_id": ["Send one of them."]})


class UnreadSchema(Schema):
    unread = fields.Integer(metadata=described("In-app events not read yet"))


class MarkedSchema(UnreadSchema):
    marked = fields.Integer(metadata=described("Mark read: how many events this call marked"))
