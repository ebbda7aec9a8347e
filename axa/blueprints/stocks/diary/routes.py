"""The trader's diary: accounts (several per user, named), their executions (entered by hand;
the same execution twice is refused by its fingerprint), and the trades grouped from them by FIFO
(scale-ins, partial closes, flips, multi-day swings) with gross and net P&L and R multiples, as JSON
pages or CSV.

Another user's account answers 404, as one that does not exist."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView

from axa.blueprints.market.schemas import ID
from axa.blueprints.stocks.diary import journal, presenter, service
from axa.blueprints.stocks.diary.journal_routes import account_report
from axa.blueprints.stocks.diary.journal_schemas import FullReportSchema, JournalTradesPageSchema
from axa.blueprints.stocks.diary.report_schemas import ReportQuerySchema
from axa.blueprints.stocks.diary.schemas import (
    AccountCreateSchema,
    AccountPatchSchema,
    AccountSchema,
    ExecutionCreateSchema,
    ExecutionSchema,
    TradesPageQuerySchema,
    TradesQuerySchema,
)
from axa.models.stocks import DiaryAccount, DiaryExecution, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header

blp = Blueprint("diary", __name__, url_prefix="/api/v1/diary",
                description="Trader's diary: accounts, executions, and trades grouped from them by FIFO")
NOT_FOUND = "No such diary account of yours"
CSV_HEADERS = {"Content-Disposition": {"description": "attachment; filename=diary-<id>-trades.csv",
                                       "schema": {"type": "string"}}}


def me() -> int:
    return current_session().user_id


@blp.route("/accounts")
class Accounts(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, AccountSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """My diary accounts, newest first"""
        page = keyset_page(db.session, DiaryAccount.of_user(me()), DiaryAccount.id, args)
        return [presenter.account(a) for a in page.items], link_header(page)

    @blp.login_required
    @blp.idempotent
    @blp.arguments(AccountCreateSchema)
    @blp.response(201, AccountSchema)
    @blp.alt_response(409, description="The name is taken (`duplicate_name`), or you have as many "
                                       "accounts as allowed (`account_limit`)")
    def post(self, data):
        """Create an empty diary account"""
        return presenter.account(service.create(me(), data))


@blp.route(f"/accounts/<{ID}:account_id>")
class AccountById(MethodView):
    @blp.login_required
    @blp.response(200, AccountSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, account_id):
        """One of my diary accounts"""
        return presenter.account(service.owned_or_404(me(), account_id))

    @blp.login_required
    @blp.arguments(AccountPatchSchema)
    @blp.response(200, AccountSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(409, description="The name is taken (`duplicate_name`)")
    def patch(self, changes, account_id):
        """Rename a diary account"""
        account = service.owned_or_404(me(), account_id, lock=True)
        return presenter.account(service.rename(account, changes["name"]))

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=NOT_FOUND)
    def delete(self, account_id):
        """Delete a diary account with its executions"""
        db.session.delete(service.owned_or_404(me(), account_id))
        db.session.commit()


@blp.route(f"/accounts/<{ID}:account_id>/executions")
class Executions(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, ExecutionSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, account_id):
        """An account's executions, the last recorded first"""
        account = service.owned_or_404(me(), account_id)
        page = keyset_page(db.session, DiaryExecution.of_account(account.id), DiaryExecution.id, args)
        return [presenter.execution(e) for e in page.items], link_header(page)

    @blp.login_required
    @blp.arguments(ExecutionCreateSchema)
    @blp.response(201, ExecutionSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(409, description="The account already holds this execution (`duplicate_execution`: "
                                       "same symbol, side, quantity, price, fee and time), or as many "
                                       "executions as allowed (`execution_limit`), or it mirrors a paper "
                                       "account (`read_only_account`)")
    def post(self, data, account_id):
        """Enter an execution by hand"""
        account = service.owned_or_404(me(), account_id, lock=True)
        return presenter.execution(service.record(account, data))


@blp.route(f"/accounts/<{ID}:account_id>/trades")
class Trades(MethodView):
    @blp.login_required
    @blp.arguments(TradesPageQuerySchema, location="query")
    @blp.response(200, JournalTradesPageSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, account_id):
        """An account's trades grouped from its executions by FIFO, newest entry first, a page at a
        time, filtered by symbol and by the UTC day they opened, each with its id (its opening
        execution's), tags and excursions"""
        found = service.trades(service.owned_or_404(me(), account_id), args)
        first = (args["page"] - 1) * args["count"]
        shown = found[first:first + args["count"]]
        return {"trades": journal.decorate([presenter.trade(t) for t in shown], shown),
                "page": args["page"], "count": args["count"], "total": len(found)}


@blp.route(f"/accounts/<{ID}:account_id>/trades.csv")
class TradesCsv(MethodView):
    @blp.login_required
    @blp.arguments(TradesQuerySchema, location="query")
    @blp.response(200, {"type": "string"}, content_type="text/csv", headers=CSV_HEADERS, description=(
        "Every matching trade, newest entry first, one a line after a header line: "
        + ", ".join(presenter.CSV_COLUMNS) + ". Decimals plain, times UTC ISO 8601, execution ids "
        "separated by spaces, empty cells for nulls"))
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, account_id):
        """Export an account's trades as CSV"""
        account = service.owned_or_404(me(), account_id)
        name = f"diary-{account.id}-trades.csv"
        return Response(presenter.csv_text(service.trades(account, args)), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}"})


@blp.route(f"/accounts/<{ID}:account_id>/reports")
class Reports(MethodView):
    @blp.login_required
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, FullReportSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, account_id):
        """An account's closed trades in figures (net of fees): win rate, average win and loss,
        profit factor, expectancy, largest win and loss, max drawdown, average R; overall and by tag,
        symbol, weekday, hour and month; and a calendar of daily net P&L. Filtered by symbol and by
        the UTC day the trades closed"""
        return account_report([service.owned_or_404(me(), account_id)], args)
