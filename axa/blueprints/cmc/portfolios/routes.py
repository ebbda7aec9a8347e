"""Portfolios: several per user, named, each with its cost-basis method (FIFO or average cost) and
its transactions (buy, sell, transfer in and out, fee) of coins and stocks instruments; holdings
with realized and unrealized P&L on the latest quotes, allocation and totals.

Another user's portfolio answers 404, as one that does not exist. Limits: 20 portfolios per user
and 5000 transactions per portfolio (409 with a ``reason`` past them)."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView

from axa.blueprints.cmc.portfolios import history, presenter, service
from axa.blueprints.cmc.portfolios.schemas import (
    HistoryQuerySchema,
    PortfolioCreateSchema,
    PortfolioPatchSchema,
    PortfolioSchema,
    PortfolioSummarySchema,
    PortfolioValueSchema,
    TransactionCreateSchema,
    TransactionSchema,
)
from axa.blueprints.market.schemas import ID
from axa.models.cmc import Portfolio, PortfolioTransaction, PortfolioValue, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header

blp = Blueprint("portfolios", __name__, url_prefix="/api/v1",
                description="Portfolios of coins and stocks: transactions, holdings, FIFO or average-cost "
                            "P&L")
NOT_FOUND = "No such portfolio of yours"
CSV_HEADERS = {"Content-Disposition": {"description": "attachment; filename=portfolio-<id>-transactions.csv",
                                       "schema": {"type": "string"}}}


def me() -> int:
    return current_session().user_id


@blp.route("/portfolios")
class Portfolios(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, PortfolioSummarySchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """My portfolios, newest first, without their holdings"""
        page = keyset_page(db.session, Portfolio.of_user(me()), Portfolio.id, args)
        return presenter.summaries(page.items), link_header(page)

    @blp.login_required
    @blp.idempotent
    @blp.arguments(PortfolioCreateSchema)
    @blp.response(201, PortfolioSchema)
    @blp.alt_response(409, description="The name is taken (`duplicate_name`), or you have as many "
                                       "portfolios as allowed (`portfolio_limit`)")
    def post(self, data):
        """Create an empty portfolio, or one linked to a paper account of yours (`paper_account_id`)"""
        return presenter.view(service.create(me(), data))


@blp.route(f"/portfolios/<{ID}:portfolio_id>")
class PortfolioById(MethodView):
    @blp.login_required
    @blp.response(200, PortfolioSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, portfolio_id):
        """One of my portfolios: holdings with cost basis, realized and unrealized P&L on the latest
        quotes (with `stale`), allocation, and totals per currency"""
        return presenter.view(service.owned_or_404(me(), portfolio_id))

    @blp.login_required
    @blp.arguments(PortfolioPatchSchema, description="Only the fields to change")
    @blp.response(200, PortfolioSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(409, description="The name is taken (`duplicate_name`); short positions cannot be "
                                       "turned off once a position went short (`short_position`) nor on a "
                                       "linked paper account (`paper_linked`)")
    def patch(self, changes, portfolio_id):
        """Rename a portfolio or change its cost-basis method (its value history is counted again)"""
        portfolio = service.change(service.owned_or_404(me(), portfolio_id, lock=True), changes)
        view = presenter.view(portfolio)
        if "cost_basis" in changes:
            history.recount(portfolio)
        return view

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=NOT_FOUND)
    def delete(self, portfolio_id):
        """Delete a portfolio with its transactions"""
        db.session.delete(service.owned_or_404(me(), portfolio_id))
        db.session.commit()


@blp.route(f"/portfolios/<{ID}:portfolio_id>/history")
class PortfolioHistory(MethodView):
    @blp.login_required
    @blp.arguments(HistoryQuerySchema, location="query")
    @blp.response(200, PortfolioValueSchema(many=True))
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, portfolio_id):
        """A portfolio's daily value history per currency, oldest day first: each day's last
        snapshot (beat values every portfolio hourly); days before the first snapshot are absent"""
        portfolio = service.owned_or_404(me(), portfolio_id)
        rows = PortfolioValue.between(portfolio.id, args["start"], args["end"], args.get("currency"))
        return [presenter.daily_value(row) for row in rows]


@blp.route(f"/portfolios/<{ID}:portfolio_id>/transactions")
class Transactions(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, TransactionSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, portfolio_id):
        """A portfolio's transactions, the last recorded first"""
        portfolio = service.owned_or_404(me(), portfolio_id)
        stmt = PortfolioTransaction.of_portfolio(portfolio.id)
        page = keyset_page(db.session, stmt, PortfolioTransaction.id, args)
        return [presenter.transaction(t) for t in page.items], link_header(page)

    @blp.login_required
    @blp.idempotent
    @blp.arguments(TransactionCreateSchema)
    @blp.response(201, TransactionSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(409, description="The portfolio holds as many transactions as allowed "
                                       "(`transaction_limit`), or copies a paper account (`paper_linked`)")
    def post(self, data, portfolio_id):
        """Record a transaction; removing more units than were held at its time is refused (422,
        reason `insufficient_quantity`) unless the portfolio allows short positions (sells only)"""
        portfolio = service.owned_or_404(me(), portfolio_id, lock=True)
        transaction = service.record(portfolio, data)
        history.backfill_after(portfolio.id, transaction.executed_at)
        return presenter.transaction(transaction)


@blp.route(f"/portfolios/<{ID}:portfolio_id>/transactions/<{ID}:transaction_id>")
class TransactionById(MethodView):
    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description="No such portfolio of yours, or no such transaction in it")
    @blp.alt_response(409, description="A later transaction removes units this one brought "
                                       "(`insufficient_quantity`): delete that one first; or the portfolio "
                                       "copies a paper account (`paper_linked`)")
    def delete(self, portfolio_id, transaction_id):
        """Delete a transaction (the holdings are recounted without it)"""
        portfolio = service.owned_or_404(me(), portfolio_id, lock=True)
        history.backfill_after(portfolio.id, service.remove(portfolio, transaction_id))


@blp.route(f"/portfolios/<{ID}:portfolio_id>/transactions.csv")
class TransactionsCsv(MethodView):
    @blp.login_required
    @blp.response(200, {"type": "string"}, content_type="text/csv", headers=CSV_HEADERS, description=(
        "Every transaction in the order they happened, one a line after a header line: "
        + ", ".join(presenter.CSV_COLUMNS) + ". Decimals as written, times UTC ISO 8601; a note or "
        "symbol a spreadsheet would run as a formula starts with `'`"))
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, portfolio_id):
        """Export a portfolio's transactions as CSV"""
        portfolio = service.owned_or_404(me(), portfolio_id)
        name = f"portfolio-{portfolio.id}-transactions.csv"
        return Response(presenter.csv_text(portfolio.transactions()), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}"})
