"""What the portfolio endpoints do: the owner's checks, the limits, and transaction changes under
the portfolio's lock (axa/models/cmc/portfolios.py). A transaction may never leave an asset's
quantity below zero at any moment of its history: a sell (or transfer out, or fee) of more than
was held then is refused, and so is deleting a buy that a later sell needs, unless the portfolio
allows short positions (then only transfers out and fees need units held). A portfolio linked to a
paper account (axa/tasks/cmc/paper.py) takes no transaction changes here: 409 ``paper_linked``."""
from __future__ import annotations

from datetime import datetime

from celery import signature
from flask_smorest import abort

from axa.blueprints import owned
from axa.blueprints.cmc.portfolios import pnl
from axa.blueprints.cmc.watchlists.service import checked_target
from axa.models.cmc import PaperLink, Portfolio, PortfolioTransaction, db

PORTFOLIOS_MAX = 20  # per user
TRANSACTIONS_MAX = 5000  # per portfolio: its holdings are recounted from them on each read
NOT_FOUND = "No such portfolio."
SHORT = "insufficient_quantity"
PAPER_LINKED = "paper_linked"


def owned_or_404(user_id: int, portfolio_id: int, lock: bool = False) -> Portfolio:
    return owned.owned_or_404(Portfolio, user_id, portfolio_id, NOT_FOUND, lock)


def create(user_id: int, data: dict) -> Portfolio:
    """A new portfolio; one linked to a paper account asks the terminal for its fills at once."""
    owned.within_limit(Portfolio, user_id, lambda: Portfolio.count_of(user_id), PORTFOLIOS_MAX,
                       f"You have {PORTFOLIOS_MAX} portfolios, the most allowed; delete one first.",
                       "portfolio_limit")
    owned.name_free(Portfolio, user_id, data["name"], "a portfolio")
    account_id = data.get("paper_account_id")
    portfolio = Portfolio(user_id=user_id, name=data["name"], cost_basis=data["cost_basis"],
                          allow_short=data["allow_short"] or account_id is not None)
    db.session.add(portfolio)
    db.session.flush()
    link = PaperLink(portfolio_id=portfolio.id, account_id=account_id, state="linking", cursor=0)
    if account_id is not None:
        db.session.add(link)
    db.session.commit()
    if account_id is not None:
        request_fills(link, user_id)
    return portfolio


def request_fills(link: PaperLink, user_id: int) -> None:
    """Ask the terminal for the linked account's fills after the link's cursor (axa/tasks/cmc/paper.py)."""
    signature("terminal.paper.export_fills",
              args=(link.portfolio_id, user_id, link.account_id, link.cursor)).apply_async()


def writable(portfolio: Portfolio) -> None:
    """409 for a portfolio linked to a paper account: its transactions are the account's fills."""
    if db.session.get(PaperLink, portfolio.id) is not None:
        abort(409, message="This portfolio copies a paper account's fills: its transactions are read-only.",
              reason=PAPER_LINKED)


def change(portfolio: Portfolio, changes: dict) -> Portfolio:
    if "name" in changes and owned.new_name_free(Portfolio, portfolio, changes["name"], "a portfolio"):
        portfolio.name = changes["name"]
    portfolio.cost_basis = changes.get("cost_basis", portfolio.cost_basis)
    if changes.get("allow_short") is False and portfolio.allow_short:
        writable(portfolio)
        portfolio.allow_short = False
        if any(short_at(portfolio, [t for t in portfolio.transactions() if same_position(t, first)])
               for first in firsts(portfolio.transactions())):
            db.session.rollback()
            abort(409, message="A position of this portfolio goes short; it must allow short positions.",
                  reason="short_position")
    portfolio.allow_short = changes.get("allow_short", portfolio.allow_short)
    portfolio.touch()
    db.session.commit()
    return portfolio


def firsts(transactions: list[PortfolioTransaction]) -> list[PortfolioTransaction]:
    """One transaction of each position."""
    return list({(t.coin_id, t.symbol, t.currency): t for t in transactions}.values())


def same_position(a: PortfolioTransaction, b: PortfolioTransaction) -> bool:
    return (a.coin_id, a.symbol, a.currency) == (b.coin_id, b.symbol, b.currency)


def short_at(portfolio: Portfolio, history: list[PortfolioTransaction]) -> pnl.InsufficientQuantity | None:
    """Whether ``history`` (one position's transactions, in time order) ever sells short."""
    try:
        pnl.position(portfolio.cost_basis, [movement(t) for t in history], portfolio.allow_short)
    except pnl.InsufficientQuantity as short:
        return short
    return None


def movement(transaction: PortfolioTransaction) -> pnl.Movement:
    return pnl.Movement(transaction.kind, transaction.quantity, transaction.price, transaction.fee)


def record(portfolio: Portfolio, data: dict) -> PortfolioTransaction:
    """Add a transaction; the portfolio must be locked."""
    writable(portfolio)
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
    writable(portfolio)
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
