"""Which client and fetchers each vendor has, and building a client from the environment.

    client = make_client("fmp", limiter=VendorLimiter.from_env())
    result = FETCHERS["fmp"]["batch-quote"].fetch(client, {"symbols": ["AAPL", "MSFT"]})
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from axa.clients.cbonds import fetchers as cbonds
from axa.clients.cbonds.client import CbondsClient
from axa.clients.cmc import fetchers as cmc
from axa.clients.cmc.client import CmcClient
from axa.clients.fmp import fetchers as fmp
from axa.clients.fmp.client import FmpClient
from axa.clients.http import VendorClient
from axa.clients.terrapin import fetchers as terrapin
from axa.clients.terrapin.client import TerrapinClient
from axa.platform.config import vendor_settings

CLIENTS: dict[str, type[VendorClient]] = {
    "fmp": FmpClient, "cmc": CmcClient, "cbonds": CbondsClient, "terrapin": TerrapinClient}


def _by_dataset(*fetchers) -> dict[str, Any]:
    return {fetcher.dataset: fetcher for fetcher in fetchers}


FETCHERS = {
    "fmp": _by_dataset(fmp.StockListFetcher, fmp.ProfileFetcher, fmp.BatchQuoteFetcher,
                       fmp.HistoryFetcher),
    "cmc": _by_dataset(cmc.MapFetcher, cmc.ListingsFetcher, cmc.QuotesFetcher, cmc.InfoFetcher,
                       cmc.GlobalMetricsFetcher),
    "cbonds": _by_dataset(cbonds.EmissionsFetcher, cbonds.TradingsFetcher, cbonds.EmitentsFetcher),
    "terrapin": _by_dataset(terrapin.BondSearchFetcher, terrapin.BondReferenceFetcher,
                            terrapin.BondPricingLatestFetcher, terrapin.BondPricingHistoryFetcher),
}


def make_client(vendor: str, *, limiter: Any = None, env: Mapping[str, str] | None = None,
                **overrides) -> VendorClient:
    """A client for ``vendor`` configured from ``AXA_<VENDOR>_*`` (see ``settings``)."""
    return CLIENTS[vendor].from_settings(vendor_settings(vendor, env), limiter=limiter, **overrides)
