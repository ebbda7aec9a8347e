"""Paper accounts: several per user, named, each with a base currency, starting cash, a type (cash or
margin) and a fill model; reset to the starting state, clone another of one's accounts, close.
The account view is Alpaca's account object where it applies; its activities page newest first.

Another user's account answers 404, as one that does not exist or is closed. Limit:
``AXA_TERMINAL_ACCOUNTS_MAX`` open accounts per user (409, reason ``account_limit``, past it).
"""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.market.schemas import ID
from axa.blueprints.terminal.accounts import history, service
from axa.blueprints.terminal.accounts.schemas import (
    AccountCreateSchema,
    AccountPatchSchema,
    AccountSchema,
    ActivitySchema,
)
from axa.models.terminal import Account, Activity, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header

blp = Blueprint("accounts", __name__, url_prefix="/api/v1",
                description="Paper trading accounts: create, clone, reset, close; their activities")
NOT_FOUND = "No such open account of yours"


def me() -> int:
    return current_session().user_id


@blp.route("/accounts")
class Accounts(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, AccountSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """My open paper accounts, newest first"""
        page = keyset_page(db.session, Account.of_user(me()), Account.id, args)
        known = service.figures(page.items)
        return [service.view(account, known) for account in page.items], link_header(page)

    @blp.login_required
    @blp.idempotent
    @blp.arguments(AccountCreateSchema)
    @blp.response(201, AccountSchema)
    @blp.alt_response(409, description="The name is taken (`duplicate_name`), or you have as many open "
                                       "accounts as allowed (`account_limit`)")
    def post(self, data):
        """Open a paper account holding its starting cash, or a clone of one of mine (`clone_of`)"""
        return service.view(service.create(me(), data))


@blp.route(f"/accounts/<{ID}:account_id>")
class AccountById(MethodView):
    @blp.login_required
    @blp.response(200, AccountSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, account_id):
        """One of my accounts: cash, equity, market values, buying power, day trades"""
        return service.view(service.owned_or_404(me(), account_id))

    @blp.login_required
    @blp.arguments(AccountPatchSchema, description="Only the fields to change")
    @blp.response(200, AccountSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(409, description="The name is taken (`duplicate_name`)")
    def patch(self, changes, account_id):
        """Rename an account or change its fill model"""
        return service.view(service.change(service.owned_or_404(me(), account_id, lock=True), changes))

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=NOT_FOUND)
    def delete(self, account_id):
        """Close an account: it leaves the API (its history is kept) and its name is free again"""
        service.close(service.owned_or_404(me(), account_id, lock=True))


@blp.route(f"/accounts/<{ID}:account_id>/reset")
class AccountReset(MethodView):
    @blp.login_required
    @blp.idempotent
    @blp.response(200, AccountSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def post(self, account_id):
        """Reset an account to its starting state: its starting cash, nothing else (an activity says so)"""
        return service.view(service.reset(service.owned_or_404(me(), account_id, lock=True)))


@blp.route(f"/accounts/<{ID}:account_id>/activities")
class AccountActivities(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, ActivitySchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, account_id):
        """An account's activities (the starting deposit, resets and fills), newest first"""
        account = service.owned_or_404(me(), account_id)
        page = keyset_page(db.session, Activity.of_account(account.id), Activity.id, args)
        return page.items, link_header(page)


@blp.route(f"/accounts/<{ID}:account_id>/portfolio/history")
class AccountHistory(MethodView):
    @blp.login_required
    @blp.arguments(history.HistoryQuerySchema, location="query")
    @blp.response(200, history.HistorySchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, account_id):
        """An account's equity and P&L over a period, by close or intraday (Alpaca's portfolio history)"""
        return history.history(service.owned_or_404(me(), account_id), args)
