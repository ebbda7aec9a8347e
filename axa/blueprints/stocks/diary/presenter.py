"""What the diary endpoints answer: accounts, executions and trades as dicts; trades as CSV."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from axa.blueprints.stocks.diary.fifo import Trade
from axa.models.stocks import DiaryAccount, DiaryExecution
from axa.platform.fields import timestamp_text

TRADE_FIELDS = ("symbol", "direction", "status", "entry_at", "exit_at", "holding_seconds", "quantity",
                "open_quantity", "average_entry", "average_exit", "gross_pnl", "fees", "net_pnl",
                "initial_risk", "r_multiple", "execution_ids")
CSV_COLUMNS = TRADE_FIELDS


def account(row: DiaryAccount) -> dict:
    return {"id": row.id, "name": row.name, "source": row.source,
            "executions_count": DiaryExecution.count_in(row.id),
            "created_at": row.created_at, "updated_at": row.updated_at}


def plain(value):
    """A decimal without trailing zeros nor exponent (``100.000`` and ``1E+2``: ``100``)."""
    return Decimal(f"{value.normalize():f}") if isinstance(value, Decimal) else value


def plain_tree(value):
    """``plain`` applied through dicts and lists."""
    if isinstance(value, dict):
        return {k: plain_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_tree(v) for v in value]
    return plain(value)


def execution(row: DiaryExecution) -> dict:
    names = ("id", "symbol", "side", "quantity", "price", "fee", "executed_at", "initial_risk", "fingerprint",
             "created_at")
    return {name: plain(getattr(row, name)) for name in names}


def trade(row: Trade) -> dict:
    return {name: plain(getattr(row, name)) for name in TRADE_FIELDS}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if hasattr(value, "tzinfo"):
        return timestamp_text(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not text[1:2].isdigit() else text


def csv_text(trades: list[Trade]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in trades:
        writer.writerow([_cell(getattr(row, name)) for name in CSV_COLUMNS])
    return out.getvalue()
