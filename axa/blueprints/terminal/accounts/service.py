"""What the paper-account endpoints do: the owner's checks, the per-user limit and unique names
under the user's lock, clones, resets, and the account view (Alpaca's account object).

Equity is the cash plus the market value of the positions on their latest quotes
(axa/models/terminal/valuation.py). Buying power: a cash account's is its cash; a margin account's
is Alpaca's Reg T overnight buying power, twice the equity less the gross market value held (its
intraday 4x for pattern day traders is not modelled)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from flask import current_app
from flask_smorest import abort
from sqlalchemy import delete

from axa.blueprints import owned
from axa.models.terminal import Account, Activity, Order, Position, db
from axa.models.terminal.market_hours import window_start
from axa.models.terminal.valuation import Totals, buying_power, equity, totals_of
from axa.platform import clock
from axa.platform.redis_client import get_redis

NOT_FOUND = "No such account of yours."
MARGIN_MULTIPLIER = Decimal(2)
PDT_TRADES = 4  # day trades in 5 business days that make a pattern day trader


def settings():
    return current_app.config["AXA"]


def owned_or_404(user_id: int, account_id: int, lock: bool = False) -> Account:
    return owned.owned_or_404(Account, user_id, account_id, NOT_FOUND, lock)


def account_settings(user_id: int, data: dict) -> dict:
    """The new account's currency, starting cash, type and fill model: the clone's source's, or
    those sent, or the defaults."""
    if "clone_of" in data:
        source = Account.owned(user_id, data["clone_of"])
        if source is None:
            abort(422, message="You have no open account with this id to clone.",
                  errors={"json": {"clone_of": ["No such account of yours."]}})
        return {"currency": source.currency, "starting_cash": source.starting_cash,
                "account_type": source.account_type, "fill_model": source.fill_model,
                "cloned_from": source.id}
    return {"currency": data.get("currency", "USD"),
            "starting_cash": data.get("starting_cash", Decimal(settings().terminal_starting_cash)),
            "account_type": data.get("account_type", "cash"), "fill_model": data.get("fill_model", "alpaca")}


def create(user_id: int, data: dict) -> Account:
    limit = settings().terminal_accounts_max
    owned.within_limit(Account, user_id, lambda: Account.count_of(user_id), limit,
                       f"You have {limit} open accounts, the most allowed; close one first.", "account_limit")
    owned.name_free(Account, user_id, data["name"], "an open account")
    account = Account.open(user_id, data["name"], **account_settings(user_id, data))
    db.session.commit()
    return account


def change(account: Account, changes: dict) -> Account:
    if "name" in changes and owned.new_name_free(Account, account, changes["name"], "an open account"):
        account.name = changes["name"]
    if "fill_model" in changes:
        account.fill_model = changes["fill_model"]
    if changes:
        account.touch()
    db.session.commit()
    return account


def reset(account: Account) -> Account:
    """Open orders canceled, positions gone, the starting cash back (the account's row locked)."""
    Order.cancel_open(account.id, datetime.now(UTC))
    db.session.execute(delete(Position).where(Position.account_id == account.id))
    account.reset()
    db.session.commit()
    return account


def close(account: Account) -> None:
    Order.cancel_open(account.id, datetime.now(UTC))
    account.close()
    db.session.commit()


@dataclass(frozen=True)
class Figures:
    """What an account view needs beyond the row: market values, day trades, open orders' holds."""

    totals: Totals = field(default_factory=Totals)
    day_trades: int = 0
    reserved: Decimal = Decimal(0)


def figures(accounts: list[Account]) -> dict[int, Figures]:
    """The accounts' figures: three queries and one Redis round trip whatever their number."""
    ids = [a.id for a in accounts]
    held = totals_of(get_redis(), ids, clock.now())
    trades = Activity.day_trades(ids, window_start(datetime.fromtimestamp(clock.now(), UTC)))
    reserved = Order.reserved_by_accounts(ids)
    return {i: Figures(held.get(i, Totals()), trades.get(i, 0), reserved.get(i, Decimal(0))) for i in ids}


def view(account: Account, known: dict[int, Figures] | None = None) -> dict:
    """The account as Alpaca's account object where it applies, money as Decimal. Buying power is
    what the open orders leave of it."""
    mine = (figures([account]) if known is None else known)[account.id]
    held, count = mine.totals, mine.day_trades
    margin = account.account_type == "margin"
    power = max(Decimal(0), buying_power(account, held) - mine.reserved)
    return {"id": account.id, "name": account.name, "status": account.status, "currency": account.currency,
            "account_type": account.account_type, "fill_model": account.fill_model,
            "starting_cash": account.starting_cash, "cash": account.cash, "equity": equity(account, held),
            "last_equity": account.last_equity, "long_market_value": held.long_market_value,
            "short_market_value": held.short_market_value, "buying_power": power,
            "regt_buying_power": power, "non_marginable_buying_power": account.cash,
            "multiplier": MARGIN_MULTIPLIER if margin else Decimal(1),
            "daytrade_count": count, "pattern_day_trader": count >= PDT_TRADES,
            "shorting_enabled": margin, "cloned_from": account.cloned_from,
            "created_at": account.created_at, "updated_at": account.updated_at, "reset_at": account.reset_at}
