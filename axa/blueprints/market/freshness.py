"""The stale flag for quotes read from the database, by the rule of the Redis quote contract
(axa.platform.quotes): older than the freshness window of the dataset that wrote them."""
from __future__ import annotations

from datetime import datetime

from axa.platform import quotes


def is_stale(as_of: datetime, fetched_at: datetime, fresh_for: int, precision: str = "instant",
             now: datetime | None = None) -> bool:
    return quotes.is_stale({"as_of": as_of.isoformat(), "fetched_at": fetched_at.isoformat(),
                            "as_of_precision": precision, "fresh_for": fresh_for}, now)
