"""Schemas of the diary's reports (reports.py). Money and ratios are decimal strings; a ratio with
nothing to divide by (no trades, no losses, no R) is null."""
from __future__ import annotations

from marshmallow import Schema, fields

from axa.blueprints.cmc.watchlists.schemas import described
from axa.blueprints.stocks.diary.schemas import RANGE_DAYS, TradesQuerySchema
from axa.platform.fields import DecimalString


class ReportQuerySchema(TradesQuerySchema):
    start = fields.Date(metadata=described("Only trades closed on or after this UTC day"))
    end = fields.Date(metadata=described(f"Only trades closed on or before this UTC day (before `start`, "
                                         f"or more than {RANGE_DAYS} days after it: 422)"))


class StatsSchema(Schema):
    trades = fields.Integer(metadata=described("Closed trades"))
    wins = fields.Integer(metadata=described("Net P&L above 0"))
    losses = fields.Integer(metadata=described("Net P&L below 0"))
    scratches = fields.Integer(metadata=described("Net P&L 0"))
    gross_pnl = DecimalString()
    fees = DecimalString()
    net_pnl = DecimalString()
    win_rate = DecimalString(allow_none=True, metadata=described("wins / trades, 0 to 1"))
    average_win = DecimalString(allow_none=True)
    average_loss = DecimalString(allow_none=True, metadata=described("Negative"))
    profit_factor = DecimalString(allow_none=True, metadata=described("Sum of wins / sum of losses"))
    expectancy = DecimalString(allow_none=True, metadata=described(
        "Net P&L per trade: win rate x average win + loss rate x average loss"))
    largest_win = DecimalString(allow_none=True)
    largest_loss = DecimalString(allow_none=True)
    max_drawdown = DecimalString(metadata=described(
        "Largest fall of the cumulative net P&L from a peak (starting at 0), in closing order"))
    average_r = DecimalString(allow_none=True, metadata=described("Over the trades with an initial risk"))
    r_trades = fields.Integer(metadata=described("Trades with an initial risk"))


class GroupSchema(StatsSchema):
    key = fields.String(metadata=described("The symbol, or the weekday the trades opened on"))


class DaySchema(Schema):
    day = fields.Date()
    net_pnl = DecimalString()
    trades = fields.Integer()


class ReportSchema(Schema):
    summary = fields.Nested(StatsSchema)
    by_symbol = fields.List(fields.Nested(GroupSchema), metadata=described("By symbol, A to Z"))
    by_weekday = fields.List(fields.Nested(GroupSchema), metadata=described("Monday to Sunday, days with "
                                                                            "trades only"))
    calendar = fields.List(fields.Nested(DaySchema), metadata=described(
        "Net P&L per UTC day of closing, oldest first, days with trades only"))
