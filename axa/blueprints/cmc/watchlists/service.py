"""What the watchlist endpoints do: the owner's checks, the limits, and item changes under the
list's lock (axa/models/cmc/watchlists.py). A coin must be in the cmc database; a stocks symbol
must be in the latest-quote contract's symbol index (the instruments live in the stocks database,
which cmc never queries)."""
from __future__ import annotations

import re

from flask import current_app
from flask_smorest import abort

from axa.blueprints import owned
from axa.models import latest_quotes
from axa.models.cmc import Coin, Watchlist, WatchlistItem, db
from axa.platform.redis_client import get_redis

NOT_FOUND = "No such watchlist."
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def settings():
    return current_app.config["AXA"]


def owned_or_404(user_id: int, watchlist_id: int, lock: bool = False) -> Watchlist:
    return owned.owned_or_404(Watchlist, user_id, watchlist_id, NOT_FOUND, lock)


def shared_or_404(token: str) -> Watchlist:
    watchlist = Watchlist.shared(token) if TOKEN.fullmatch(token) else None
    if watchlist is None:
        abort(404, message="No watchlist is shared under this link (it may have been revoked).")
    return watchlist


def create(user_id: int, name: str) -> Watchlist:
    limit = settings().cmc_watchlists_max
    owned.within_limit(Watchlist, user_id, lambda: Watchlist.count_of(user_id), limit,
                       f"You have {limit} watchlists, the most allowed; delete one first.", "watchlist_limit")
    owned.name_free(Watchlist, user_id, name, "a watchlist")
    watchlist = Watchlist(user_id=user_id, name=name)
    db.session.add(watchlist)
    db.session.commit()
    return watchlist


def rename(watchlist: Watchlist, changes: dict) -> Watchlist:
    if "name" in changes and owned.new_name_free(Watchlist, watchlist, changes["name"], "a watchlist"):
        watchlist.name = changes["name"]
        watchlist.touch()
    db.session.commit()
    return watchlist


def checked_target(data: dict) -> dict:
    """``coin_id`` or ``symbol`` of a coin or instrument that exists, else 422 naming the field."""
    if "coin_id" in data:
        if db.session.get(Coin, data["coin_id"]) is None:
            abort(422, message="No coin has this CMC id.", errors={"json": {"coin_id": ["No such coin."]}})
        return {"coin_id": data["coin_id"]}
    if not latest_quotes.knows_symbol(get_redis(), data["symbol"]):
        abort(422, message="The stocks market data knows no instrument by this symbol.",
              errors={"json": {"symbol": ["No such instrument."]}})
    return {"symbol": data["symbol"]}


def add_item(watchlist: Watchlist, data: dict) -> WatchlistItem:
    """Add a coin or instrument at ``position`` (default last); the list must be locked."""
    target = checked_target(data)
    if WatchlistItem.holding(watchlist.id, target.get("coin_id"), target.get("symbol")) is not None:
        abort(409, message="This watchlist already holds that item.", reason="duplicate_item")
    count, limit = WatchlistItem.count_in(watchlist.id), settings().cmc_watchlist_items_max
    if count >= limit:
        abort(409, message=f"This watchlist holds {limit} items, the most allowed.", reason="item_limit")
    item = WatchlistItem.insert_at(watchlist.id, min(data.get("position", count), count), **target)
    watchlist.touch()
    db.session.commit()
    return item


def remove_item(watchlist: Watchlist, item_id: int) -> None:
    item = db.session.get(WatchlistItem, item_id)
    if item is None or item.watchlist_id != watchlist.id:
        abort(404, message="This watchlist has no such item.")
    item.remove()
    watchlist.touch()
    db.session.commit()


def reorder(watchlist: Watchlist, item_ids: list[int]) -> None:
    items = {item.id: item for item in watchlist.items()}
    if len(item_ids) != len(items) or set(item_ids) != set(items):
        abort(422, message="Send every item id of the list, each once.",
              errors={"json": {"item_ids": [f"Expected each of {sorted(items)} once."]}})
    WatchlistItem.renumber([items[i] for i in item_ids])
    watchlist.touch()
    db.session.commit()


def set_shared(watchlist: Watchlist, shared: bool) -> Watchlist:
    if shared:
        watchlist.share()
    else:
        watchlist.share_token = None
    db.session.commit()
    return watchlist
