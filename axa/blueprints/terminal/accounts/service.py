"""What the paper-account endpoints do: the owner's checks, the per-user limit and unique names
under the user's lock, clones, resets, and the account view (Alpaca's account object).

Equity is the cash plus the market value of the positions; there are no positions yet, so both
market values are zero until positions land (they will be summed here from the latest quotes).
Buying power: a cash account's is its cash; a margin account's is 2x its equity, Alpaca's Reg T
overnight buying power (its intraday 4x for pattern day traders is not modelled)."""
from __future__ import annotations

from decimal import Decimal

from flask import current_app
from flask_smorest import abort

from axa.models.terminal import Account, db

NOT_FOUND = "No such account of yours."
ZERO = Decimal("0.00")
MARGIN_MULTIPLIER = Decimal(2)


def settings():
    return current_app.config["AXA"]


def owned_or_404(user_id: int, account_id: int, lock: bool = False) -> Account:
    account = Account.owned(user_id, account_id, lock=lock)
    if account is None:
        abort(404, message=NOT_FOUND)
    return account


def name_free(user_id: int, name: str, account_id: int | None = None) -> None:
    taken = Account.named(user_id, name)
    if taken is not None and taken.id != account_id:
        abort(409, message="You already have an open account with this name.", reason="duplicate_name")


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
    Account.lock_user(user_id)
    limit = settings().terminal_accounts_max
    if Account.count_of(user_id) >= limit:
        abort(409, message=f"You have {limit} open accounts, the most allowed; close one first.",
              reason="account_limit")
    name_free(user_id, data["name"])
    account = Account.open(user_id, data["name"], **account_settings(user_id, data))
    db.session.commit()
    return account


def change(account: Account, changes: dict) -> Account:
    if "name" in changes and changes["name"] != account.name:
        Account.lock_user(account.user_id)
        name_free(account.user_id, changes["name"], account.id)
        account.name = changes["name"]
    if "fill_model" in changes:
        account.fill_model = changes["fill_model"]
    if changes:
        account.touch()
    db.session.commit()
    return account


def reset(account: Account) -> Account:
    account.reset()
    db.session.commit()
    return account


def close(account: Account) -> None:
    account.close()
    db.session.commit()


def view(account: Account) -> dict:
    """The account as Alpaca's account object where it applies, money as Decimal."""
    long_value = short_value = ZERO  # no positions yet
    equity = account.cash + long_value + short_value
    margin = account.account_type == "margin"
    multiplier = MARGIN_MULTIPLIER if margin else Decimal(1)
    buying_power = equity * MARGIN_MULTIPLIER if margin else account.cash
    return {"id": account.id, "name": account.name, "status": account.status, "currency": account.currency,
            "account_type": account.account_type, "fill_model": account.fill_model,
            "starting_cash": account.starting_cash, "cash": account.cash, "equity": equity,
            "last_equity": account.last_equity, "long_market_value": long_value,
            "short_market_value": short_value, "buying_power": buying_power,
            "regt_buying_power": buying_power, "non_marginable_buying_power": account.cash,
            "multiplier": multiplier, "daytrade_count": account.daytrade_count,
            "pattern_day_trader": False, "shorting_enabled": margin, "cloned_from": account.cloned_from,
            "created_at": account.created_at, "updated_at": account.updated_at, "reset_at": account.reset_at}
