"""CMC coin objects into standard records (shared by listings, quotes/latest, info, global)."""
from __future__ import annotations

from axa.clients import values as v
from axa.clients.fetcher import Reject
from axa.clients.records import CoinInfoRecord, GlobalMetricsRecord, InstrumentRecord, QuoteRecord

SOURCE = "cmc"


def _platform(coin: dict) -> dict:
    return coin["platform"] if isinstance(coin.get("platform"), dict) else {}


def instrument(coin: dict) -> InstrumentRecord:
    cmc_id = v.integer(coin.get("id"), "id")
    if cmc_id is None:
        raise v.RowRejected("id: missing")
    platform = _platform(coin)
    return InstrumentRecord(
        SOURCE, str(cmc_id), asset_class="token" if platform else "crypto",
        symbol=v.text(coin.get("symbol")), name=v.text(coin.get("name")), cmc_id=cmc_id,
        cmc_slug=v.text(coin.get("slug")), token_address=v.text(platform.get("token_address")),
        chain=v.text(platform.get("symbol")), is_active=v.flag(coin.get("is_active")),
        raw_ref=v.raw_ref(coin))


def quotes(coin: dict, fetched_at) -> list[QuoteRecord]:
    """One quote per convert currency in ``coin["quote"]``."""
    cmc_id, quote_map = v.integer(coin.get("id"), "id"), coin.get("quote")
    if not isinstance(quote_map, dict) or not quote_map:
        raise v.RowRejected("quote: missing")
    found = []
    for currency, q in quote_map.items():
        if not isinstance(q, dict):
            raise v.RowRejected(f"quote.{currency}: not an object")
        as_of = v.instant(q.get("last_updated"), "last_updated") or v.instant(
            coin.get("last_updated"), "last_updated", required=True)
        found.append(QuoteRecord(
            SOURCE, str(cmc_id), price=v.price(q.get("price"), required=True), price_unit="currency",
            as_of=as_of, as_of_precision="instant", fetched_at=fetched_at, raw_ref=v.raw_ref(coin),
            quote_currency=str(currency).upper(),
            change_pct=v.decimal(q.get("percent_change_24h"), "percent_change_24h"),
            change_pct_1h=v.decimal(q.get("percent_change_1h"), "percent_change_1h"),
            change_pct_7d=v.decimal(q.get("percent_change_7d"), "percent_change_7d"),
            volume=v.decimal(q.get("volume_24h"), "volume_24h", non_negative=True),
            volume_unit="quote_ccy",
            market_cap=v.decimal(q.get("market_cap"), "market_cap", non_negative=True)))
    return found


def coins_with_quotes(coins, fetched_at, seen: set | None = None) -> tuple[list, list[Reject]]:
    """Instrument + quotes per coin; a bad quote rejects the quotes, not the instrument."""
    records, rejects, seen = [], [], set() if seen is None else seen
    for coin in coins:
        if not isinstance(coin, dict):
            rejects.append(("row is not an object", coin))
            continue
        try:
            record = instrument(coin)
        except v.RowRejected as exc:
            rejects.append((exc.reason, coin))
            continue
        if record.cmc_id in seen:
            continue  # pages overlap when the market-cap order shifts: first one wins
        seen.add(record.cmc_id)
        records.append(record)
        try:
            records.extend(quotes(coin, fetched_at))
        except v.RowRejected as exc:
            rejects.append((exc.reason, coin))
    return records, rejects


def _urls(info: dict, name: str) -> tuple[str, ...]:
    urls = info.get("urls") if isinstance(info.get("urls"), dict) else {}
    items = urls.get(name) if isinstance(urls.get(name), list) else []
    return tuple(u for u in (v.text(i) for i in items) if u)


def coin_info(info: dict):
    base, platform = instrument(info), _platform(info)
    tags = info.get("tags") if isinstance(info.get("tags"), list) else []
    yield CoinInfoRecord(
        SOURCE, base.source_instrument_id, symbol=base.symbol, name=base.name, slug=base.cmc_slug,
        category=v.text(info.get("category")), description=v.text(info.get("description")),
        logo=v.text(info.get("logo")), date_added=v.instant(info.get("date_added"), "date_added"),
        date_launched=v.instant(info.get("date_launched"), "date_launched"),
        tags=tuple(t for t in (v.text(t) for t in tags) if t), website=_urls(info, "website"),
        technical_doc=_urls(info, "technical_doc"), explorer=_urls(info, "explorer"),
        source_code=_urls(info, "source_code"), token_address=v.text(platform.get("token_address")),
        chain=v.text(platform.get("symbol")), raw_ref=v.raw_ref(info))


def global_metrics(data: dict, fetched_at):
    quote_map = data.get("quote") if isinstance(data.get("quote"), dict) else {}
    if not quote_map:
        raise v.RowRejected("quote: missing")
    for currency, q in quote_map.items():
        q = q if isinstance(q, dict) else {}
        as_of = v.instant(q.get("last_updated"), "last_updated") or v.instant(
            data.get("last_updated"), "last_updated", required=True)

        def num(row, name):
            return v.decimal(row.get(name), name)
        yield GlobalMetricsRecord(
            SOURCE, str(currency).upper(), as_of=as_of, fetched_at=fetched_at, raw_ref=v.raw_ref(data),
            total_market_cap=num(q, "total_market_cap"), total_volume_24h=num(q, "total_volume_24h"),
            altcoin_market_cap=num(q, "altcoin_market_cap"),
            altcoin_volume_24h=num(q, "altcoin_volume_24h"),
            total_market_cap_change_pct_24h=num(q, "total_market_cap_yesterday_percentage_change"),
            total_volume_change_pct_24h=num(q, "total_volume_24h_yesterday_percentage_change"),
            btc_dominance=num(data, "btc_dominance"), eth_dominance=num(data, "eth_dominance"),
            **{name: v.integer(data.get(name), name) for name in (
                "active_cryptocurrencies", "total_cryptocurrencies", "active_market_pairs",
                "active_exchanges")})
