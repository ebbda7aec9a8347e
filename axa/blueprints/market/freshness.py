"""The stale flag for quotes read from the database, by the rule of the Redis quote contract
(axa/models/latest_quotes.py): older than the freshness window of the dataset that wrote them."""
from __future__ import annotations

from datetime import UTC, datetime

from axa.models import latest_quotes


def is_stale(as_of: datetime, fetched_at: datetime, fresh_for: int, precision: str = "instant",
             now: datetime | None = None) -> bool:
    ends = latest_quotes.stale_at(as_of, fetched_at, precision, fresh_for)
    return (now or datetime.now(UTC)).timestamp() >= ends
