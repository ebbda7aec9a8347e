"""What a quote means for an alert (pure): the side it puts the alert on, as the evaluation's
statement computes it (axa/models/cmc/alert_batch.py; the tests hold the two equal). The API arms
an alert with it from the latest quote.

A quote travels from the ingest graphs to the evaluation as a compact list (axa/tasks/ingest.py
``alert_payload``):
``[ref, price, change_pct_1h, change_pct_24h, as_of]``, decimals as text, ``as_of`` ISO 8601.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import NamedTuple


class SeenQuote(NamedTuple):
    ref: str
    price: Decimal
    change_1h: Decimal | None
    change_24h: Decimal | None
    as_of: datetime


def from_payload(rows: list[list]) -> dict[str, SeenQuote]:
    """The payload's quotes by ref (the latest one where a ref repeats)."""
    def number(value) -> Decimal | None:
        return None if value is None else Decimal(value)
    seen: dict[str, SeenQuote] = {}
    for ref, price, change_1h, change_24h, as_of in rows:
        quote = SeenQuote(ref, Decimal(price), number(change_1h), number(change_24h),
                          datetime.fromisoformat(as_of))
        if ref not in seen or seen[ref].as_of < quote.as_of:
            seen[ref] = quote
    return seen


def change_of(window: str | None, quote: SeenQuote) -> Decimal | None:
    return quote.change_1h if window == "1h" else quote.change_24h


def side_of(condition: str, level: Decimal | None, threshold: Decimal | None, window: str | None,
            quote: SeenQuote) -> str | None:
    """Where ``quote`` puts an alert: ``above`` / ``below`` its level (a price exactly at the level
    counts as reached), ``beyond`` / ``within`` its threshold; None when the quote has no change
    over the alert's window."""
    if condition == "price_above":
        return "above" if quote.price >= level else "below"
    if condition == "price_below":
        return "below" if quote.price <= level else "above"
    change = change_of(window, quote)
    if change is None:
        return None
    beyond = {"change_up": change >= threshold, "change_down": change <= -threshold,
              "change_any": abs(change) >= threshold}[condition]
    return "beyond" if beyond else "within"
