"""The stocks package fills its database once from the sandbox: 60 equities (profiles, quotes,
two with daily history) and ~150 bonds from each of Cbonds and Terrapin with their terms and prices."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from axa.models.stocks import Instrument
from tests.blueprints.market.fixtures import equity_symbols, market  # noqa: F401
from tests.tasks.ingest_helpers import sandbox_server  # noqa: F401

BONDS = 150


def _isins(filled, source: str) -> list[str]:
    return filled.scalars("stocks", select(Instrument.isin).where(Instrument.source == source)
                          .order_by(Instrument.isin))


@pytest.fixture(scope="package")
def stocks(market):  # noqa: F811
    symbols = equity_symbols(market, 60)
    market.run("stocks", "fmp.profiles", {"symbols": symbols})
    market.run("stocks", "fmp.quotes", {"symbols": symbols})
    today = datetime.now(UTC).date()
    market.run("stocks", "fmp.history", {"symbols": symbols[:2], "end": today.isoformat(),
                                         "start": (today - timedelta(days=60)).isoformat()})
    market.run("stocks", "cbonds.emissions", {"max_records": BONDS})
    market.run("stocks", "cbonds.tradings", {"max_records": BONDS})
    market.run("stocks", "terrapin.bonds", {"max_records": BONDS})
    isins = _isins(market, "terrapin")
    market.run("stocks", "terrapin.reference", {"isins": isins})
    market.run("stocks", "terrapin.prices", {"isins": isins})
    market.data["symbols"] = symbols
    return market
