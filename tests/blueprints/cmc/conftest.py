"""The cmc package fills its database once from the sandbox: 300 listings with USD quotes, the
global metrics and the info of Bitcoin and Ethereum."""
import pytest

from tests.blueprints.market.fixtures import market  # noqa: F401
from tests.tasks.ingest_helpers import sandbox_server  # noqa: F401

LISTED = 300


@pytest.fixture(scope="package")
def cmc(market):  # noqa: F811
    market.run("cmc", "cmc.listings", {"max_items": LISTED})
    market.run("cmc", "cmc.global")
    market.run("cmc", "cmc.info", {"ids": [1, 1027]})
    return market
