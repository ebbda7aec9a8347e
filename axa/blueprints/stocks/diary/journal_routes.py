"""The diary's journal: tags (made in axa/blueprints/stocks/diary/tag_routes.py) and notes on
trades, notes per day, each trade's MFE/MAE and best exit (``stocks.journal`` job), and the reports
over several accounts with their groups by tag, symbol, weekday, hour and month.

A trade's ``id`` is its opening execution's id (axa/models/stocks/journal.py). Another user's
account, group, tag or a trade that is not one answers 404, as one that does not exist."""
from __future__ import annotations

import re
from datetime import date

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from axa.blueprints import owned
from axa.blueprints.market.schemas import ID
from axa.blueprints.stocks.diary import excursions, journal, presenter, report_cache, report_groups, service
from axa.blueprints.stocks.diary import journal_schemas as s
from axa.models.stocks import DiaryAccount, DiaryDayNote, DiaryTag, DiaryTradeNote, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header
from axa.tasks.stocks import journal as journal_tasks  # a module: the task module imports this package

blp = Blueprint("diary_journal", __name__, url_prefix="/api/v1/diary",
                description="Trader's diary journal: tags, notes, excursions and reports")
NOT_FOUND = "No such diary account of yours, or no such trade in it"
NO_TAG = "No such tag of yours."
TRADE = f"/accounts/<{ID}:account_id>/trades/<{ID}:trade_id>"
DAY_NOTE = f"/accounts/<{ID}:account_id>/day-notes/<string:day>"


def me() -> int:
    return current_session().user_id


def _day(text: str) -> date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    abort(404, message="Not a day (YYYY-MM-DD).")


def _trade(account_id: int, trade_id: int, lock: bool = False):
    account = service.owned_or_404(me(), account_id, lock=lock)
    return account, journal.trade_or_404(account, trade_id)


@blp.route(TRADE)
class TradeById(MethodView):
    @blp.login_required
    @blp.response(200, s.TradeDetailSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, account_id, trade_id):
        """One trade with its tags, note and excursions (MFE/MAE, best exit)"""
        _, trade = _trade(account_id, trade_id)
        [row] = journal.decorate([presenter.trade(trade)], [trade])
        row["note"] = db.session.scalar(select(DiaryTradeNote).where(DiaryTradeNote.trade_id == trade_id))
        return row


@blp.route(f"{TRADE}/tags/<{ID}:tag_id>")
class TradeTag(MethodView):
    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=f"{NOT_FOUND}, or no such tag of yours")
    @blp.alt_response(409, description="The trade has as many tags as allowed (`tag_limit`)")
    def put(self, account_id, trade_id, tag_id):
        """Put a tag on a trade (already there: nothing changes)"""
        account, _ = _trade(account_id, trade_id, lock=True)
        journal.attach(account, trade_id, owned.owned_or_404(DiaryTag, me(), tag_id, NO_TAG))

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=NOT_FOUND)
    def delete(self, account_id, trade_id, tag_id):
        """Take a tag off a trade (not on it: nothing changes)"""
        _trade(account_id, trade_id)
        journal.detach(trade_id, tag_id)


@blp.route(f"{TRADE}/note")
class TradeNote(MethodView):
    @blp.login_required
    @blp.response(200, s.TradeNoteSchema)
    @blp.alt_response(404, description=f"{NOT_FOUND}, or the trade has no note")
    def get(self, account_id, trade_id):
        """A trade's note"""
        _trade(account_id, trade_id)
        return journal.note_or_404(DiaryTradeNote, DiaryTradeNote.trade_id == trade_id)

    @blp.login_required
    @blp.arguments(s.NoteBodySchema)
    @blp.response(200, s.TradeNoteSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def put(self, data, account_id, trade_id):
        """Write (or replace) a trade's note"""
        account, _ = _trade(account_id, trade_id)
        keys = {"trade_id": trade_id, "account_id": account.id}
        return journal.put_note(DiaryTradeNote, keys, data["text"])

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=f"{NOT_FOUND}, or the trade has no note")
    def delete(self, account_id, trade_id):
        """Delete a trade's note"""
        _trade(account_id, trade_id)
        db.session.delete(journal.note_or_404(DiaryTradeNote, DiaryTradeNote.trade_id == trade_id))
        db.session.commit()


@blp.route(f"/accounts/<{ID}:account_id>/trade-notes")
class TradeNotes(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, s.TradeNoteSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, account_id):
        """An account's trade notes, newest first"""
        account = service.owned_or_404(me(), account_id)
        stmt = select(DiaryTradeNote).where(DiaryTradeNote.account_id == account.id)
        page = keyset_page(db.session, stmt, DiaryTradeNote.id, args)
        return page.items, link_header(page)


@blp.route(f"/accounts/<{ID}:account_id>/day-notes")
class DayNotes(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, s.DayNoteSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, account_id):
        """An account's day notes, newest written first"""
        account = service.owned_or_404(me(), account_id)
        stmt = select(DiaryDayNote).where(DiaryDayNote.account_id == account.id)
        page = keyset_page(db.session, stmt, DiaryDayNote.id, args)
        return page.items, link_header(page)


@blp.route(DAY_NOTE)
class DayNote(MethodView):
    @blp.login_required
    @blp.response(200, s.DayNoteSchema)
    @blp.alt_response(404, description=f"{NOT_FOUND}, not a day (YYYY-MM-DD), or no note that day")
    def get(self, account_id, day):
        """The note of a UTC day"""
        account = service.owned_or_404(me(), account_id)
        return journal.note_or_404(DiaryDayNote, DiaryDayNote.account_id == account.id,
                                   DiaryDayNote.day == _day(day))

    @blp.login_required
    @blp.arguments(s.NoteBodySchema)
    @blp.response(200, s.DayNoteSchema)
    @blp.alt_response(404, description=f"{NOT_FOUND}, or not a day (YYYY-MM-DD)")
    def put(self, data, account_id, day):
        """Write (or replace) the note of a UTC day"""
        account = service.owned_or_404(me(), account_id)
        return journal.put_note(DiaryDayNote, {"account_id": account.id, "day": _day(day)}, data["text"])

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=f"{NOT_FOUND}, not a day (YYYY-MM-DD), or no note that day")
    def delete(self, account_id, day):
        """Delete the note of a UTC day"""
        account = service.owned_or_404(me(), account_id)
        db.session.delete(journal.note_or_404(DiaryDayNote, DiaryDayNote.account_id == account.id,
                                              DiaryDayNote.day == _day(day)))
        db.session.commit()


@blp.route(f"/accounts/<{ID}:account_id>/excursions")
class Excursions(MethodView):
    @blp.login_required
    @blp.response(202, s.ExcursionRunSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def post(self, account_id):
        """Compute every trade's MFE/MAE and best exit again now (a `stocks.journal` job; the
        trades show `pending` until it has run)"""
        account = service.owned_or_404(me(), account_id)
        return {"account_id": account.id, "queued": journal_tasks.trades_changed(account.id)}


@blp.route("/reports")
class Reports(MethodView):
    @blp.login_required
    @blp.arguments(s.AllReportQuerySchema, location="query")
    @blp.response(200, s.FullReportSchema)
    @blp.alt_response(404, description="One of the accounts is not yours")
    def get(self, args):
        """My closed trades in figures over all my accounts or some (`account_id`): win rate, average
        win and loss, profit factor, expectancy, largest win and loss, max drawdown, average R;
        overall and by tag, symbol, weekday, hour and month; and a calendar of daily net P&L.
        Filtered by symbol and by the UTC day the trades closed"""
        ids = args.get("account_id")
        accounts = [service.owned_or_404(me(), i) for i in dict.fromkeys(ids)] if ids \
            else list(db.session.scalars(DiaryAccount.of_user(me())))
        return account_report(accounts, args)


def account_report(accounts: list[DiaryAccount], args: dict) -> dict:
    """The report of the accounts' trades (computed over their executions, or from the cache under
    their current state: report_cache.py)."""
    ids = [a.id for a in accounts]

    def compute() -> dict:
        symbol = args.get("symbol")
        found = [t for i in ids for t in excursions.account_trades(i, [symbol] if symbol else None)]
        labels = journal.labels_of(ids)
        body = report_groups.full_report(found, args.get("start"), args.get("end"), labels)
        return presenter.plain_tree(body)
    return report_cache.cached(ids, args, compute)
