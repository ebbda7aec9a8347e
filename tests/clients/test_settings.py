"""Vendor settings from the environment, and clients built from them (sandbox URL layout)."""
from __future__ import annotations

import pytest

from axa.clients.cbonds.fetchers import EmitentsFetcher
from axa.clients.cmc.fetchers import GlobalMetricsFetcher
from axa.clients.fmp.fetchers import BatchQuoteFetcher
from axa.clients.registry import FETCHERS, make_client
from axa.clients.terrapin.fetchers import BondSearchFetcher
from axa.platform.config import ConfigError, Secret, all_vendor_settings, vendor_settings
from tests.clients.conftest import Reply, payload


def test_defaults_point_at_the_local_sandbox():
    settings = all_vendor_settings({})
    assert {v: s.base_url for v, s in settings.items()} == {
        "fmp": "http://127.0.0.1:8099/fmp", "cmc": "http://127.0.0.1:8099/cmc",
        "cbonds": "http://127.0.0.1:8099/cbonds", "terrapin": "http://127.0.0.1:8099/terrapin"}
    assert settings["fmp"].credentials["api_key"].reveal() == "sandbox-fmp-key"
    assert settings["cmc"].credentials["api_key"].reveal() == "sandbox-cmc-key"
    assert settings["terrapin"].credentials["api_key"].reveal() == "sandbox-terrapin-key"
    cbonds = settings["cbonds"].credentials
    assert (cbonds["login"].reveal(), cbonds["password"].reveal()) == ("sandbox", "sandbox-cbonds")
    assert (settings["cbonds"].rate_per_min, settings["cbonds"].daily_quota) == (30, 10_000)
    assert (settings["terrapin"].rate_per_min, settings["terrapin"].monthly_quota) == (100, 3_000)
    assert settings["cmc"].quota_metric == "credits" and settings["fmp"].max_response_bytes == 20 * 1024 * 1024


def test_environment_overrides():
    settings = vendor_settings("fmp", {
        "AXA_FMP_BASE_URL": "https://financialmodelingprep.com/", "AXA_FMP_API_KEY": "real-key",
        "AXA_FMP_RATE_PER_MIN": "750", "AXA_FMP_BURST": "20", "AXA_FMP_DAILY_QUOTA": "250",
        "AXA_FMP_CONNECT_TIMEOUT": "2", "AXA_FMP_READ_TIMEOUT": "9.5", "AXA_FMP_MAX_RESPONSE_BYTES": "1000"})
    assert settings.base_url == "https://financialmodelingprep.com"
    assert (settings.rate_per_min, settings.burst, settings.daily_quota) == (750, 20, 250)
    assert (settings.connect_timeout, settings.read_timeout, settings.max_response_bytes) == (2, 9.5, 1000)
    assert "real-key" not in repr(settings) and settings.credentials["api_key"] == Secret("real-key")


@pytest.mark.parametrize("env", [{"AXA_CMC_RATE_PER_MIN": "fast"}, {"AXA_CMC_DAILY_QUOTA": "-1"},
                                 {"AXA_CMC_BASE_URL": "file:///etc/passwd"}])
def test_bad_values_stop_start_up(env):
    with pytest.raises(ConfigError):
        vendor_settings("cmc", env)


def test_production_needs_explicit_urls_and_credentials():
    with pytest.raises(ConfigError, match="BASE_URL"):
        vendor_settings("terrapin", {"AXA_ENV": "production", "AXA_TERRAPIN_API_KEY": "k"})
    with pytest.raises(ConfigError, match="PASSWORD"):
        vendor_settings("cbonds", {"AXA_ENV": "production", "AXA_CBONDS_BASE_URL": "https://ws.cbonds.info",
                                   "AXA_CBONDS_LOGIN": "me"})
    settings = vendor_settings("terrapin", {"AXA_ENV": "production", "AXA_TERRAPIN_API_KEY": "k",
                                            "AXA_TERRAPIN_BASE_URL": "https://terrapinfinance.com"})
    assert settings.base_url == "https://terrapinfinance.com"
    with pytest.raises(ValueError):
        vendor_settings("bloomberg", {})


def test_clients_use_the_sandbox_path_prefixes(server):
    server.route("GET", "/fmp/stable/batch-quote", Reply(200, payload("fmp/batch_quote.json")))
    server.route("GET", "/cmc/v1/global-metrics/quotes/latest", Reply(200, payload("cmc/global_metrics.json")))
    server.route("POST", "/cbonds/services/json/get_emitents/", Reply(200, payload("cbonds/emitents.json")))
    server.route("POST", "/terrapin/api/v1/bond_search", Reply(200, payload("terrapin/search.json")))
    env = {f"AXA_{v.upper()}_BASE_URL": f"{server.url}/{v}" for v in ("fmp", "cmc", "cbonds", "terrapin")}
    assert len(BatchQuoteFetcher.fetch(make_client("fmp", env=env), {"symbols": "AAPL,MSFT"}).records) == 2
    assert len(GlobalMetricsFetcher.fetch(make_client("cmc", env=env)).records) == 1
    assert len(EmitentsFetcher.fetch(make_client("cbonds", env=env)).records) == 1
    assert len(BondSearchFetcher.fetch(make_client("terrapin", env=env)).records) == 2
    assert [s.raw_target for s in server.seen] == [
        "/fmp/stable/batch-quote?symbols=AAPL%2CMSFT", "/cmc/v1/global-metrics/quotes/latest?convert=USD",
        "/cbonds/services/json/get_emitents/?lang=eng", "/terrapin/api/v1/bond_search"]
    assert server.seen[0].headers["apikey"] == "sandbox-fmp-key"


def test_registry_lists_every_dataset():
    assert set(FETCHERS["fmp"]) == {"stock-list", "profile", "batch-quote", "historical-price-eod/full"}
    assert len(FETCHERS["cmc"]) == 5 and len(FETCHERS["cbonds"]) == 3 and len(FETCHERS["terrapin"]) == 4
