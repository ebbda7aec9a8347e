"""The CMC universe: 2,000 active coins and tokens (plus some inactive), and a per-bucket quote table."""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date, timedelta

from ops.sandbox.synth import names
from ops.sandbox.synth.prices import bucket_price
from ops.sandbox.synth.rand import Draw, gauss, hash_ints

ACTIVE_COUNT = 2000
INACTIVE_COUNT = 40
FIRST_DAY = date(2013, 4, 28)
# id, name, symbol, slug, base price, vol, max supply, circulating, platform id
ANCHORS = (
    (1, "Bitcoin", "BTC", "bitcoin", 60000.0, 0.6, 21_000_000, 19_700_000, None),
    (825, "Tether USDt", "USDT", "tether", 1.0, 0.002, None, 110_000_000_000, 1027),
    (1027, "Ethereum", "ETH", "ethereum", 3000.0, 0.75, None, 120_000_000, None),
    (1839, "BNB", "BNB", "bnb", 550.0, 0.7, None, 146_000_000, None),
    (3408, "USDC", "USDC", "usd-coin", 1.0, 0.002, None, 33_000_000_000, 1027),
    (5426, "Solana", "SOL", "solana", 150.0, 0.95, None, 460_000_000, None),
)
PLATFORMS = {1027: ("Ethereum", "ETH", "ethereum"), 1839: ("BNB", "BNB", "bnb"),
             5426: ("Solana", "SOL", "solana")}
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class Coin:
    id: int
    seed: int
    name: str
    symbol: str
    slug: str
    platform: dict | None
    tags: tuple[str, ...]
    date_added: str
    max_supply: int | None
    circulating_supply: float
    total_supply: float
    base: float
    vol: float
    base_volume: float
    num_market_pairs: int
    is_active: bool


@dataclass(frozen=True)
class CryptoUniverse:
    coins: tuple[Coin, ...]           # ordered by id
    by_id: dict[int, Coin]
    by_slug: dict[str, Coin]
    by_symbol: dict[str, tuple[Coin, ...]]


def _platform(draw: Draw, platform_id: int | None) -> dict | None:
    if platform_id is None:
        return None
    name, symbol, slug = PLATFORMS[platform_id]
    if platform_id == 5426:
        address = "".join(draw.choice(BASE58) for _ in range(44))
    else:
        address = "0x" + "".join(draw.choice("0123456789abcdef") for _ in range(40))
    return {"id": platform_id, "name": name, "symbol": symbol, "slug": slug, "token_address": address}


def _date_added(coin_id: int) -> str:
    day = FIRST_DAY + timedelta(days=int(coin_id * 0.12))
    return f"{day.isoformat()}T00:00:00.000Z"


def _anchor(draw: Draw, seed: int, row: tuple) -> Coin:
    coin_id, name, symbol, slug, base, vol, max_supply, circulating, platform_id = row
    return Coin(id=coin_id, seed=hash_ints(seed, 2, coin_id), name=name, symbol=symbol, slug=slug,
                platform=_platform(draw, platform_id), tags=("layer-1",) if platform_id is None else (),
                date_added=_date_added(coin_id), max_supply=max_supply, circulating_supply=float(circulating),
                total_supply=float(max_supply or circulating), base=base, vol=vol,
                base_volume=base * circulating * 0.04, num_market_pairs=draw.randint(2000, 12000),
                is_active=True)


def _generated(draw: Draw, seed: int, coin_id: int, active: bool, taken: dict) -> Coin:
    name = "".join(draw.choice(names.COIN_SYLLABLES) for _ in range(draw.randint(2, 3))).capitalize()
    name += draw.choice(names.COIN_WORDS)
    slug = name.lower().replace(" ", "-")
    if slug in taken["slugs"]:
        slug = f"{slug}-{coin_id}"
    taken["slugs"].add(slug)
    if draw.random() < 0.03:
        symbol = draw.choice(sorted(taken["symbols"]))  # deliberately shared: CMC symbols are not unique
    else:
        symbol = "".join(c for c in name.upper() if c.isalpha())[: draw.randint(3, 5)]
        while symbol in taken["symbols"]:
            symbol = draw.letters(draw.randint(3, 5))
    taken["symbols"].add(symbol)
    circulating = draw.lognormal_between(1e5, 5e11)
    capped = draw.random() < 0.45
    total = circulating * draw.uniform(1.0, 1.6)
    base = 10 ** (4.0 + 6.3 * draw.random() ** 2) / circulating  # market cap / supply
    return Coin(id=coin_id, seed=hash_ints(seed, 2, coin_id), name=name, symbol=symbol, slug=slug,
                platform=_platform(draw, draw.choice((None, 1027, 1027, 1839, 5426)) if draw.random() < 0.6
                                   else None),
                tags=tuple(sorted(draw.sample(names.COIN_TAGS, draw.randint(0, 3)))),
                date_added=_date_added(coin_id), max_supply=int(total * 1.2) if capped else None,
                circulating_supply=round(circulating, 4), total_supply=round(total, 4), base=base,
                vol=draw.uniform(0.5, 1.8), base_volume=base * circulating * draw.uniform(0.001, 0.2),
                num_market_pairs=draw.randint(1, 800), is_active=active)


@functools.cache
def crypto_universe(seed: int) -> CryptoUniverse:
    draw = Draw(hash_ints(seed, 200))
    reserved = {row[0] for row in ANCHORS}
    ids = sorted(draw.sample([i for i in range(2, 36000) if i not in reserved],
                             ACTIVE_COUNT - len(ANCHORS) + INACTIVE_COUNT))
    inactive = set(draw.sample(ids, INACTIVE_COUNT))
    taken: dict = {"slugs": {row[3] for row in ANCHORS}, "symbols": {row[2] for row in ANCHORS}}
    coins = [_anchor(draw, seed, row) for row in ANCHORS]
    coins += [_generated(draw, seed, i, i not in inactive, taken) for i in ids]
    coins.sort(key=lambda c: c.id)
    by_symbol: dict[str, list[Coin]] = {}
    for coin in coins:
        by_symbol.setdefault(coin.symbol, []).append(coin)
    return CryptoUniverse(coins=tuple(coins), by_id={c.id: c for c in coins},
                          by_slug={c.slug: c for c in coins},
                          by_symbol={k: tuple(v) for k, v in by_symbol.items()})


def _coin_row(coin: Coin, bucket: int, tick: int) -> dict:
    def price(seconds_ago: int) -> float:
        return bucket_price(coin.seed, coin.base, coin.vol, bucket - max(1, seconds_ago // tick), tick)

    now = bucket_price(coin.seed, coin.base, coin.vol, bucket, tick)
    volume = coin.base_volume * math.exp(0.3 * gauss(coin.seed, 20, bucket))
    volume_before = coin.base_volume * math.exp(0.3 * gauss(coin.seed, 20, bucket - max(1, 86400 // tick)))
    changes = {f"percent_change_{label}": (now / price(seconds) - 1.0) * 100.0 for label, seconds in
               (("1h", 3600), ("24h", 86400), ("7d", 7 * 86400), ("30d", 30 * 86400),
                ("60d", 60 * 86400), ("90d", 90 * 86400))}
    return {"price": now, "volume_24h": volume, "volume_change_24h": (volume / volume_before - 1) * 100,
            **changes, "market_cap": now * coin.circulating_supply,
            "fully_diluted_market_cap": now * (coin.max_supply or coin.total_supply)}


@functools.lru_cache(maxsize=4)
def usd_table(seed: int, bucket: int, tick: int) -> tuple[dict[int, dict], dict[int, int]]:
    """Every coin's USD quote fields in ``bucket``, and the active coins' ranks by market cap."""
    universe = crypto_universe(seed)
    table = {coin.id: _coin_row(coin, bucket, tick) for coin in universe.coins}
    active = [c.id for c in universe.coins if c.is_active]
    active.sort(key=lambda cid: -table[cid]["market_cap"])
    total_cap = sum(table[cid]["market_cap"] for cid in active)
    for cid in active:
        table[cid]["market_cap_dominance"] = table[cid]["market_cap"] / total_cap * 100.0
    return table, {cid: rank for rank, cid in enumerate(active, start=1)}
