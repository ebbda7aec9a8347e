"""What the portfolio endpoints do: the owner's checks, the limits, and transaction changes under
the portfolio's lock (axa/models/cmc/portfolios.py). A transaction may never leave an asset's
quantity below zero at any moment of its history: a sell (or transfer out, or fee) of more than
was held then is refused, and so is deleting a buy that a later sell needs."""
from __future__ import annotations

from datetime import datetime

from flask_smorest import abort

from axa.blueprints import owned
from axa.blueprints.cmc.portfolios import pnl
from axa.blueprints.cmc.watchlists.service import checked_target
from axa.models.cmc import Portfolio, PortfolioTransaction, db

PORTFOLIOS_MAX = 20  # per user
TRANSACTIONS_MAX = 5000  # per portfolio: its holdings are recounted from them on each read
NOT_FOUND = "No such portfolio."
SHORT = "insufficient_quantity"


def owned_or_404(user_id: int, portfolio_id: int, lock: bool = False) -> Portfolio:
    return owned.owned_or_404(Portfolio, user_id, portfolio_id, NOT_FOUND, lock)


def create(user_id: int, data: dict) -> Portfolio:
    owned.within_limit(Portfolio, user_id, lambda: Portfolio.count_of(user_id), PORTFOLIOS_MAX,
                       f"You have {PORTFOLIOS_MAX} portfolios, the most allowed; delete one first.",
                       "portfolio_limit")
    owned.name_free(Portfolio, user_id, data["name"], "a portfolio")
    portfolio = Portfolio(user_id=user_id, name=data["name"], cost_basis=data["cost_basis"])
    db.session.add(portfolio)
    db.session.commit()
    return portfolio


def change(portfolio: Portfolio, changes: dict) -> Portfolio:
    if "name" in changes and owned.new_name_free(Portfolio, portfolio, changes["name"], "a portfolio"):
        portfolio.name = changes["name"]
    portfolio.cost_basis = changes.get("cost_basis", portfolio.cost_basis)
    portfolio.touch()
    db.session.commit()
    return portfolio


def same_position(a: PortfolioTransaction, b: PortfolioTransaction) -> bool:
    return (a.coin_id, a.symbol, a.currency) == (b.coin_id, b.symbol, b.currency)


def short_at(portfolio: Portfolio, history: list[PortfolioTransaction]) -> pnl.InsufficientQuantity | None:
    """Whether ``history`` (one position's transactions, in time order) ever sells short."""
    try:
        pnl.position(portfolio.cost_basis, [movement(t) for t in history])
    except pnl.InsufficientQuantity as short:
        return short
    return None


def movement(transaction: PortfolioTransaction) -> pnl.Movement:
    return pnl.Movement(transaction.kind, transaction.quantity, transaction.price, transaction.fee)


def record(portfolio: Portfolio, data: dict) -> PortfolioTransaction:
    """Add a transaction; the portfolio must be locked."""
    asset = checked_target(data)
    if PortfolioTransaction.count_in(portfolio.id) >= TRANSACTIONS_MAX:
        abort(409, message=f"This portfolio holds {TRANSACTIONS_MAX} transactions, the most allowed.",
              reason="transaction_limit")
    fields = {k: data.get(k) for k in ("kind", "quantity", "price", "fee", "currency", "executed_at", "note")}
    transaction = PortfolioTransaction(portfolio_id=portfolio.id, **asset, **fields)
    db.session.add(transaction)
    db.session.flush()
    short = short_at(portfolio, [t for t in portfolio.transactions() if same_position(t, transaction)])
    if short is not None:
        held = f"{short.held.normalize():f} held in {transaction.currency} at that time"
        db.session.rollback()
        abort(422, message=f"Only {held}: {short.wanted.normalize():f} cannot be removed.", reason=SHORT,
              errors={"json": {"quantity": [f"More than the {held}."]}})
    portfolio.touch()
    db.session.commit()
    return transaction


def remove(portfolio: Portfolio, transaction_id: int) -> datetime:
    """Delete a transaction unless a later one needs it; the portfolio must be locked. Returns
    when it had happened."""
    transaction = db.session.get(PortfolioTransaction, transaction_id)
    if transaction is None or transaction.portfolio_id != portfolio.id:
        abort(404, message="This portfolio has no such transaction.")
    rest = [t for t in portfolio.transactions() if same_position(t, transaction) and t.id != transaction.id]
    if short_at(portfolio, rest) is not None:
        abort(409, message="A later transaction removes units this one brought; delete that one first.",
              reason=SHORT)
    executed_at = transaction.executed_at
    db.session.delete(transaction)
    portfolio.touch()
    db.session.commit()
    return executed_at
