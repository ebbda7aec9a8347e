"""The watchlist as every read path sends it: its items in order, each with its coin's name and its
latest quote and 1 h / 24 h / 7 d change from the latest-quote contract, with ``stale``."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from axa.models import latest_quotes
from axa.models.cmc import Coin, Watchlist, WatchlistItem, db
from axa.platform import clock
from axa.platform.redis_client import get_redis

COIN_SOURCE = "cmc"  # the cmc ingest writes coin quotes as "cmc:<CMC id>" (symbols collide: no index)


def share_fields(watchlist: Watchlist) -> dict:
    token = watchlist.share_token
    url = url_for("watchlists.SharedWatchlist", token=token, _external=True) if token else None
    return {"share_token": token, "share_url": url}


def summaries(watchlists: list[Watchlist]) -> list[dict]:
    """Lists without their items: name, item count, share link."""
    ids = [w.id for w in watchlists]
    counts = dict(db.session.execute(select(WatchlistItem.watchlist_id, func.count())
                                     .where(WatchlistItem.watchlist_id.in_(ids))
                                     .group_by(WatchlistItem.watchlist_id)).all()) if ids else {}
    return [{"id": w.id, "name": w.name, "items_count": counts.get(w.id, 0), "created_at": w.created_at,
             "updated_at": w.updated_at, **share_fields(w)} for w in watchlists]


def view(watchlist: Watchlist, items: list[WatchlistItem] | None = None) -> dict:
    """The whole list, for its owner (with the share link); ``shared_view`` leaves that out."""
    items = watchlist.items() if items is None else items
    return {"id": watchlist.id, "name": watchlist.name, "items_count": len(items),
            "created_at": watchlist.created_at, "updated_at": watchlist.updated_at,
            **share_fields(watchlist), "items": present_items(items)}


def shared_view(watchlist: Watchlist) -> dict:
    return {"name": watchlist.name, "created_at": watchlist.created_at, "updated_at": watchlist.updated_at,
            "items": present_items(watchlist.items())}


def present_items(items: list[WatchlistItem]) -> list[dict]:
    """The items with their coins' names and their quotes: one SQL query, one Redis round trip."""
    coin_ids = [i.coin_id for i in items if i.coin_id is not None]
    found = db.session.scalars(select(Coin).where(Coin.id.in_(coin_ids))) if coin_ids else []
    coins = {c.id: c for c in found}
    refs, symbols = [ref(i) for i in coin_ids], [i.symbol for i in items if i.symbol is not None]
    by_ref, by_symbol = latest_quotes.read_mixed(get_redis(), refs, symbols, clock.now())
    return [present_item(item, coins.get(item.coin_id),
                         by_ref.get(ref(item.coin_id)) if item.coin_id else by_symbol.get(item.symbol))
            for item in items]


def ref(coin_id: int) -> str:
    return f"{COIN_SOURCE}:{coin_id}"


def present_item(item: WatchlistItem, coin: Coin | None, quote: latest_quotes.Quote | None) -> dict:
    return {"id": item.id, "kind": item.kind, "coin_id": item.coin_id,
            "symbol": coin.symbol if coin else item.symbol, "name": coin.name if coin else None,
            "slug": coin.slug if coin else None, "position": item.position, "added_at": item.added_at,
            "quote": quote_fields(quote) if quote else None}


def quote_fields(quote: latest_quotes.Quote) -> dict:
    return {"price": quote.price, "quote_currency": quote.quote_currency,
            "change_pct_1h": quote.change_pct_1h, "change_pct_24h": quote.change_pct,
            "change_pct_7d": quote.change_pct_7d, "volume": quote.volume, "market_cap": quote.market_cap,
            "as_of": quote.as_of, "stale": quote.stale}
