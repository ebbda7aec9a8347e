"""The portfolio as its owner reads it: per asset and currency the quantity, cost basis, realized
P&L (pnl.py, by the portfolio's method), and on the latest quote from the latest-quote contract
(with ``stale``) the market value, unrealized P&L and allocation; totals per currency. A quote
counts only in its own currency (coins are quoted in USD): no conversion; a quote that names no
currency (the stocks quotes from FMP) is taken to be in the holding's."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC
from decimal import Decimal

from sqlalchemy import func, select

from axa.blueprints.cmc.portfolios import pnl
from axa.blueprints.cmc.portfolios.service import movement
from axa.blueprints.cmc.watchlists.presenter import ref
from axa.models import latest_quotes
from axa.models.cmc import Coin, PaperLink, Portfolio, PortfolioTransaction, PortfolioValue, db
from axa.platform import clock
from axa.platform.redis_client import get_redis

ZERO = Decimal(0)
PLACES = Decimal("1e-18")
AMOUNTS = ("quantity", "cost_basis", "average_cost", "realized_pnl", "fees", "price", "market_value",
           "unrealized_pnl", "allocation_pct")


def plain(value: Decimal | None) -> Decimal | None:
    """To 18 places (as the columns), without trailing zeros, never in exponent form."""
    if value is None:
        return None
    with pnl.exact():
        value = value.quantize(PLACES).normalize()
        return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def summaries(portfolios: list[Portfolio]) -> list[dict]:
    ids = [p.id for p in portfolios]
    counts = dict(db.session.execute(select(PortfolioTransaction.portfolio_id, func.count())
                                     .where(PortfolioTransaction.portfolio_id.in_(ids))
                                     .group_by(PortfolioTransaction.portfolio_id)).all()) if ids else {}
    links = {link.portfolio_id: link for link in db.session.scalars(
        select(PaperLink).where(PaperLink.portfolio_id.in_(ids)))} if ids else {}
    return [summary(p, counts.get(p.id, 0), links.get(p.id)) for p in portfolios]


def summary(portfolio: Portfolio, count: int, link: PaperLink | None) -> dict:
    paper = None if link is None else {"account_id": link.account_id, "state": link.state,
                                       "error": link.error, "synced_at": link.synced_at}
    return {"id": portfolio.id, "name": portfolio.name, "cost_basis": portfolio.cost_basis,
            "allow_short": portfolio.allow_short, "paper": paper, "transactions_count": count,
            "created_at": portfolio.created_at, "updated_at": portfolio.updated_at}


def view(portfolio: Portfolio) -> dict:
    """The portfolio with its holdings (largest market value first) and its totals per currency."""
    transactions = portfolio.transactions()
    positions: dict[tuple, list] = defaultdict(list)
    for t in transactions:  # in time order, so each position's list is too
        positions[(t.coin_id, t.symbol, t.currency)].append(movement(t))
    holdings = [holding(key, pnl.position(portfolio.cost_basis, moves, portfolio.allow_short))
                for key, moves in positions.items()]
    quoted(holdings)
    for h in holdings:
        h.update({name: plain(h[name]) for name in AMOUNTS})
    holdings.sort(key=lambda h: (h["market_value"] is None, -(h["market_value"] or ZERO), h["currency"]))
    link = db.session.get(PaperLink, portfolio.id)
    return {**summary(portfolio, len(transactions), link), "holdings": holdings, "totals": totals(holdings)}


def holding(key: tuple, held: pnl.Position) -> dict:
    coin_id, symbol, currency = key
    return {"asset_kind": "coin" if coin_id is not None else "stock", "coin_id": coin_id, "symbol": symbol,
            "name": None, "currency": currency, "quantity": held.quantity, "cost_basis": held.cost,
            "average_cost": held.average_cost, "realized_pnl": held.realized, "fees": held.fees,
            "held": held}


def quoted(holdings: list[dict]) -> None:
    """Add names, the latest quotes (one SQL query, one Redis round trip), values and allocation."""
    coin_ids = sorted({h["coin_id"] for h in holdings if h["coin_id"] is not None})
    found = db.session.scalars(select(Coin).where(Coin.id.in_(coin_ids))) if coin_ids else []
    coins = {c.id: c for c in found}
    symbols = sorted({h["symbol"] for h in holdings if h["symbol"] is not None})
    refs = [ref(i) for i in coin_ids]
    by_ref, by_symbol = latest_quotes.read_mixed(get_redis(), refs, symbols, clock.now())
    for h in holdings:
        coin = coins.get(h["coin_id"])
        if coin is not None:
            h["symbol"], h["name"] = coin.symbol, coin.name
        quote = by_ref.get(ref(h["coin_id"])) if h["coin_id"] is not None else by_symbol.get(h["symbol"])
        if quote is None or quote.price is None or quote.quote_currency not in (None, h["currency"]):
            quote = None
        price = Decimal(quote.price) if quote else None
        h.update(price=price, as_of=quote.as_of if quote else None, stale=quote.stale if quote else None,
                 **pnl.valued(h.pop("held"), price))
    allocated(holdings)


def allocated(holdings: list[dict]) -> None:
    """Each holding's share of its currency's quoted market value."""
    by_currency = defaultdict(list)
    for h in holdings:
        by_currency[h["currency"]].append(h)
    for group in by_currency.values():
        for h, share in zip(group, pnl.allocation([h["market_value"] for h in group]), strict=True):
            h["allocation_pct"] = share


def totals(holdings: list[dict]) -> list[dict]:
    with pnl.exact():
        return summed(holdings)


def summed(holdings: list[dict]) -> list[dict]:
    sums: dict[str, dict] = {}
    for h in holdings:
        total = sums.setdefault(h["currency"], {"currency": h["currency"], "unquoted": 0, **dict.fromkeys(
            ("cost_basis", "market_value", "realized_pnl", "unrealized_pnl", "fees"), ZERO)})
        for name in ("cost_basis", "realized_pnl", "fees"):
            total[name] += h[name]
        if h["market_value"] is not None:
            total["market_value"] += h["market_value"]
            total["unrealized_pnl"] += h["unrealized_pnl"]
        elif h["quantity"]:
            total["unquoted"] += 1
    return [{k: plain(v) if isinstance(v, Decimal) else v for k, v in t.items()}
            for t in sorted(sums.values(), key=lambda t: t["currency"])]


def daily_value(row: PortfolioValue) -> dict:
    return {"day": row.day, "currency": row.currency, "unquoted": row.unquoted, "taken_at": row.taken_at,
            **{name: plain(getattr(row, name)) for name in ("market_value", "cost_basis", "realized_pnl",
                                                            "unrealized_pnl")}}


def transaction(t: PortfolioTransaction) -> dict:
    return {"id": t.id, "kind": t.kind, "asset_kind": t.asset_kind, "coin_id": t.coin_id, "symbol": t.symbol,
            "quantity": plain(t.quantity), "price": plain(t.price), "fee": plain(t.fee),
            "currency": t.currency, "executed_at": t.executed_at, "note": t.note, "fill_id": t.fill_id,
            "created_at": t.created_at}


CSV_COLUMNS = ("id", "executed_at", "kind", "asset_kind", "coin_id", "symbol", "quantity", "price", "fee",
               "currency", "note")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(name: str, value) -> str:
    """A cell's text: times as the API writes them, decimals as strings, and text that a
    spreadsheet would run as a formula quoted with a leading ``'`` (OWASP CSV injection)."""
    if value is None:
        return ""
    if name == "executed_at":
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    text = str(value)
    return "'" + text if name in ("symbol", "note") and text.startswith(FORMULA_STARTS) else text


def csv_text(transactions: list[PortfolioTransaction]) -> str:
    """The transactions as CSV (RFC 4180, a header line), in the order they happened."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for t in transactions:
        row = transaction(t)
        writer.writerow([csv_cell(name, row[name]) for name in CSV_COLUMNS])
    return out.getvalue()
