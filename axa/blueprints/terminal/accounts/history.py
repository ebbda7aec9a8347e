"""An account's portfolio history, as Alpaca's ``GET /v2/account/portfolio/history``: parallel
arrays of ``timestamp`` (epoch seconds), ``equity``, ``profit_loss`` and ``profit_loss_pct``
against ``base_value``, from the beat's equity snapshots (axa/models/terminal/history.py).

``period`` reaches back from now (``1D``, ``1W``, ``1M``, ``3M``, ``6M``, ``1A``, ``all``;
default ``1M``); ``timeframe`` is the spacing of the points (``1Min``, ``5Min``, ``15Min``,
``1H``: the intraday snapshots, the last of each slot, for a period up to ``1M``; ``1D``: the
daily snapshots at each close). Default: ``1D``, or ``15Min`` for a period of a week or less.
Intraday points are never closer than AXA_TERMINAL_HISTORY_EVERY_MINUTES, whatever the timeframe."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from axa.models.terminal import Account
from axa.models.terminal.history import DAILY, INTRADAY, series
from axa.platform import clock
from axa.platform.fields import DecimalString

PERIODS = {"1D": timedelta(days=1), "1W": timedelta(weeks=1), "1M": timedelta(days=30),
           "3M": timedelta(days=91), "6M": timedelta(days=182), "1A": timedelta(days=365), "all": None}
TIMEFRAMES = {"1Min": timedelta(minutes=1), "5Min": timedelta(minutes=5), "15Min": timedelta(minutes=15),
              "1H": timedelta(hours=1), "1D": timedelta(days=1)}
INTRADAY_REACH = timedelta(days=30)
RATIO = Decimal("0.000001")


class HistoryQuerySchema(Schema):
    period = fields.String(validate=validate.OneOf(PERIODS), metadata={
        "description": "How far back from now: " + ", ".join(PERIODS) + " (default 1M)"})
    timeframe = fields.String(validate=validate.OneOf(TIMEFRAMES), metadata={
        "description": "The spacing of the points: 1Min, 5Min, 15Min, 1H (intraday, for a period up to "
                       "1M: 422 beyond) or 1D (each close); default 1D, 15Min for a period up to 1W"})

    @validates_schema
    def intraday_reach(self, data: dict, **_) -> None:
        reach = PERIODS[data.get("period", "1M")]
        if data.get("timeframe", "1D") != "1D" and (reach is None or reach > INTRADAY_REACH):
            raise ValidationError("Intraday timeframes reach back one month at most.", "timeframe")


class HistorySchema(Schema):
    timestamp = fields.List(fields.Integer(), metadata={"description": "Each point's time, epoch seconds"})
    equity = fields.List(DecimalString(), metadata={"description": "The equity at each point"})
    profit_loss = fields.List(DecimalString(), metadata={"description": "Equity less base_value"})
    profit_loss_pct = fields.List(DecimalString(), metadata={
        "description": "profit_loss over base_value (0.01 is 1%)"})
    base_value = DecimalString(metadata={"description": "The equity at the last close before the period "
                                                        "(the starting cash when there is none)"})
    timeframe = fields.String()


def history(account: Account, args: dict) -> dict:
    period = args.get("period", "1M")
    reach = PERIODS[period]
    short = reach is not None and reach <= timedelta(weeks=1)
    timeframe = args.get("timeframe") or ("15Min" if short else "1D")
    since = None if reach is None else datetime.fromtimestamp(clock.now(), UTC) - reach
    kind = DAILY if timeframe == "1D" else INTRADAY
    points, base = series(account, kind, since, TIMEFRAMES[timeframe])
    pl = [value - base for _, value in points]
    pct = [(p / base).quantize(RATIO) if base else Decimal(0) for p in pl]
    return {"timestamp": [int(at.timestamp()) for at, _ in points], "equity": [value for _, value in points],
            "profit_loss": pl, "profit_loss_pct": pct,
            "base_value": base, "timeframe": timeframe}
