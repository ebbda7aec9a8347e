"""CoinMarketCap records (Pro API shapes) from the crypto universe and the per-bucket quote table."""
from __future__ import annotations

import math

from ops.sandbox.synth.crypto import Coin
from ops.sandbox.synth.prices import utc_iso_ms

FIAT_PER_USD = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "JPY": 151.2, "CHF": 0.88, "CAD": 1.36, "AUD": 1.52}
CRYPTO_CONVERTS = {"BTC": 1, "ETH": 1027}
CONVERT_IDS = {"2781": "USD", "2790": "EUR", "2791": "GBP", "2797": "JPY", "2785": "CHF", "2784": "CAD",
               "2782": "AUD", "1": "BTC", "1027": "ETH"}
SORTS = {  # sort name -> (field, inside the USD quote?)
    "market_cap": ("market_cap", True), "market_cap_strict": ("market_cap", True), "name": ("name", False),
    "symbol": ("symbol", False), "date_added": ("date_added", False), "price": ("price", True),
    "circulating_supply": ("circulating_supply", False), "total_supply": ("total_supply", False),
    "max_supply": ("max_supply", False), "num_market_pairs": ("num_market_pairs", False),
    "volume_24h": ("volume_24h", True), "percent_change_1h": ("percent_change_1h", True),
    "percent_change_24h": ("percent_change_24h", True), "percent_change_7d": ("percent_change_7d", True),
    "id": ("id", False), "cmc_rank": ("cmc_rank", False),
}
QUOTE_FIELDS = ("price", "volume_24h", "volume_change_24h", "percent_change_1h", "percent_change_24h",
                "percent_change_7d", "percent_change_30d", "percent_change_60d", "percent_change_90d",
                "market_cap", "market_cap_dominance", "fully_diluted_market_cap")
SCALED = {"price", "volume_24h", "market_cap", "fully_diluted_market_cap"}


def usd_per_unit(currency: str, table: dict[int, dict]) -> float:
    if currency in CRYPTO_CONVERTS:
        return table[CRYPTO_CONVERTS[currency]]["price"]
    return 1.0 / FIAT_PER_USD[currency]


def quote_block(row: dict, currency: str, table: dict, last_updated: str) -> dict:
    divisor = usd_per_unit(currency, table)
    block = {}
    for name in QUOTE_FIELDS:
        value = row.get(name, 0.0)
        value = value / divisor if name in SCALED else value
        block[name] = float(f"{value:.10g}") if math.isfinite(value) else None
    block["tvl"] = None
    block["last_updated"] = last_updated
    return block


def coin_record(coin: Coin, table: dict, ranks: dict, converts: list[tuple[str, str]], when: float) -> dict:
    """The listings/latest object; ``converts`` pairs (currency code, key in the quote map)."""
    updated = utc_iso_ms(when)
    row = table[coin.id]
    return {
        "id": coin.id, "name": coin.name, "symbol": coin.symbol, "slug": coin.slug,
        "num_market_pairs": coin.num_market_pairs, "date_added": coin.date_added, "tags": list(coin.tags),
        "max_supply": coin.max_supply, "circulating_supply": coin.circulating_supply,
        "total_supply": coin.total_supply, "infinite_supply": coin.max_supply is None,
        "platform": dict(coin.platform) if coin.platform else None, "cmc_rank": ranks.get(coin.id),
        "self_reported_circulating_supply": None, "self_reported_market_cap": None, "tvl_ratio": None,
        "last_updated": updated,
        "quote": {key: quote_block(row, code, table, updated) for code, key in converts},
    }


def quotes_record(coin: Coin, table: dict, ranks: dict, converts: list, when: float) -> dict:
    record = coin_record(coin, table, ranks, converts, when)
    record["is_active"] = 1 if coin.is_active else 0
    record["is_fiat"] = 0
    return record


def sort_value(coin: Coin, table: dict, ranks: dict, sort: str):
    field, in_quote = SORTS[sort]
    if in_quote:
        return table[coin.id].get(field)
    if field == "cmc_rank":
        return ranks.get(coin.id)
    return getattr(coin, field)


def map_record(coin: Coin, ranks: dict) -> dict:
    first = coin.date_added
    return {"id": coin.id, "rank": ranks.get(coin.id), "name": coin.name, "symbol": coin.symbol,
            "slug": coin.slug, "is_active": 1 if coin.is_active else 0, "first_historical_data": first,
            "last_historical_data": None if coin.is_active else "2022-06-01T00:00:00.000Z",
            "platform": dict(coin.platform) if coin.platform else None}


def info_record(coin: Coin) -> dict:
    site = f"https://{coin.slug}.example"
    return {
        "id": coin.id, "name": coin.name, "symbol": coin.symbol, "slug": coin.slug,
        "category": "token" if coin.platform else "coin",
        "description": f"{coin.name} ({coin.symbol}) is a synthetic asset of the AXA vendor sandbox.",
        "logo": f"https://s2.coinmarketcap.com/static/img/coins/64x64/{coin.id}.png", "subreddit": "",
        "notice": "", "tags": list(coin.tags), "tag-names": list(coin.tags), "tag-groups": [],
        "platform": dict(coin.platform) if coin.platform else None, "date_added": coin.date_added,
        "date_launched": None, "twitter_username": "", "is_hidden": 0,
        "urls": {"website": [site], "technical_doc": [f"{site}/whitepaper.pdf"], "twitter": [], "reddit": [],
                 "message_board": [], "announcement": [], "chat": [], "explorer": [], "source_code": []},
    }


def _sum(table: dict, ids) -> tuple[float, float, float]:
    cap = sum(table[i]["market_cap"] for i in ids)
    volume = sum(table[i]["volume_24h"] for i in ids)
    cap_yesterday = sum(table[i]["market_cap"] / (1 + table[i]["percent_change_24h"] / 100) for i in ids)
    return cap, volume, cap_yesterday


def global_metrics(coins, table: dict, ranks: dict, converts: list, when: float) -> dict:
    updated = utc_iso_ms(when)
    active = list(ranks)
    cap, volume, cap_yesterday = _sum(table, active)
    stable_cap, stable_volume, _ = _sum(table, [c.id for c in coins if c.vol < 0.01 and c.is_active])
    defi = [c.id for c in coins if "defi" in c.tags and c.is_active]
    defi_cap, defi_volume, defi_yesterday = _sum(table, defi)
    btc, eth = table[1]["market_cap"] / cap * 100, table[1027]["market_cap"] / cap * 100
    data = {
        "active_cryptocurrencies": len(active), "total_cryptocurrencies": len(coins),
        "active_market_pairs": sum(c.num_market_pairs for c in coins if c.is_active), "active_exchanges": 742,
        "total_exchanges": 8513, "eth_dominance": eth, "btc_dominance": btc,
        "eth_dominance_yesterday": eth * 0.99, "btc_dominance_yesterday": btc * 1.01,
        "eth_dominance_24h_percentage_change": eth * 0.01, "btc_dominance_24h_percentage_change": -btc * 0.01,
        "defi_volume_24h": defi_volume, "defi_volume_24h_reported": defi_volume, "defi_market_cap": defi_cap,
        "defi_24h_percentage_change": (defi_cap / defi_yesterday - 1) * 100 if defi_yesterday else 0.0,
        "stablecoin_volume_24h": stable_volume, "stablecoin_volume_24h_reported": stable_volume,
        "stablecoin_market_cap": stable_cap, "stablecoin_24h_percentage_change": 0.01,
        "derivatives_volume_24h": volume * 3.1, "derivatives_volume_24h_reported": volume * 3.1,
        "derivatives_24h_percentage_change": 1.7, "last_updated": updated, "quote": {},
    }
    for code, key in converts:
        rate = usd_per_unit(code, table)
        data["quote"][key] = {
            "total_market_cap": cap / rate, "total_volume_24h": volume / rate,
            "total_volume_24h_reported": volume / rate,
            "altcoin_volume_24h": (volume - table[1]["volume_24h"]) / rate,
            "altcoin_volume_24h_reported": (volume - table[1]["volume_24h"]) / rate,
            "altcoin_market_cap": (cap - table[1]["market_cap"]) / rate,
            "total_market_cap_yesterday": cap_yesterday / rate,
            "total_market_cap_yesterday_percentage_change": (cap / cap_yesterday - 1) * 100,
            "last_updated": updated,
        }
    return data
