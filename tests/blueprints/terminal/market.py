"""A market for terminal tests: quotes written through the platform's latest-quote contract (as the
ingest graphs write them) and the terminal app's clock set, so matching runs at a chosen moment."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from axa.clients.records import QuoteRecord
from axa.models import latest_quotes
from axa.platform.redis_client import client_for
from axa.tasks.terminal.matching import expire_orders, match_quotes

OPEN_AT = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York
CLOSED_AT = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # the same day, 18:00 in New York
FRESH_FOR = 3600


class Market:
    def __init__(self, apps):
        self.apps = apps
        self.app = apps["terminal"]
        self.redis = client_for(self.app.config["AXA"].redis_url)
        self.ticks = itertools.count(1)
        self.at(OPEN_AT)

    def at(self, moment: datetime) -> None:
        self.now = moment
        self.app.config["AXA_CLOCK"] = lambda: self.now.timestamp()

    def quote(self, ident: str, price: str, source: str = "fmp", age: timedelta = timedelta(0),
              bid: str | None = None, ask: str | None = None, change: str | None = None) -> str:
        """Write a quote (a second newer than the last one unless ``age`` puts it back); its ref."""
        as_of = self.now - age + timedelta(microseconds=next(self.ticks))
        record = QuoteRecord(source=source, source_instrument_id=ident, price=Decimal(price), price_unit="currency",
                             as_of=as_of, as_of_precision="instant", fetched_at=as_of, raw_ref="test",
                             quote_currency="USD", bid=Decimal(bid) if bid else None,
                             ask=Decimal(ask) if ask else None, change_abs=Decimal(change) if change else None)
        latest_quotes.write(self.redis, [record], f"{source}.quotes", FRESH_FOR, index_ids=source == "fmp")
        return f"{source}:{ident}"

    def match(self, *refs: str) -> dict:
        """Run the matching task on these refs, as a quote batch would."""
        with self.app.app_context():
            return match_quotes(list(refs))

    def expire(self) -> int:
        with self.app.app_context():
            return expire_orders()
