"""Orders of a paper account, as Alpaca's orders API: place, list (open, closed or all; newest
first), one by id or by ``client_order_id``, replace (a new order linked to the old), cancel one,
cancel all (one result each). Matching fills them on the platform's quotes
(axa/tasks/terminal/matching.py).

A refused order answers its reason code (axa/blueprints/terminal/orders/checks.py) and is not
stored. Another user's account, or a closed one, answers 404. Every change locks the account's row
before any order's, as matching does (an order event's foreign key takes a share lock on the
account, so the other order would deadlock against a matcher).
"""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.market.schemas import ID
from axa.blueprints.terminal.accounts.service import owned_or_404 as account_or_404
from axa.blueprints.terminal.orders import service
from axa.blueprints.terminal.orders.schemas import (
    CancelResultSchema,
    ClientOrderIdQuerySchema,
    OrderCreateSchema,
    OrderListQuerySchema,
    OrderReplaceSchema,
    OrderSchema,
)
from axa.models.terminal import Order, db
from axa.models.terminal.orders import FINAL, OPEN
from axa.models.terminal.quotes import normalized, queue_resolve
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, keyset_page, link_header

blp = Blueprint("orders", __name__, url_prefix="/api/v1/accounts",
                description="Orders of a paper account: place, list, replace, cancel")
ORDERS = f"/<{ID}:account_id>/orders"
NOT_FOUND = "No such open account of yours, or no such order of it"
REFUSED = ("Refused, not stored, with its `reason`: `unknown_symbol`, `invalid_time_in_force`, "
           "`market_closed` or `stale_quote` (ioc / fok orders), `duplicate_client_order_id`, or invalid "
           "fields")
POOR = "Refused, not stored: `insufficient_buying_power`, or `insufficient_qty` (a cash account's sale)"


def read_quote(pipe, _session_key: str, symbol: str, **_) -> None:
    """The order's quote, queued on the session check's round trip (one Redis call per order)."""
    queue_resolve(pipe, normalized(symbol))


def account(account_id: int, lock: bool = False):
    return account_or_404(current_session().user_id, account_id, lock=lock)


@blp.route(ORDERS)
class Orders(MethodView):
    @blp.login_required
    @blp.arguments(OrderListQuerySchema, location="query")
    @blp.response(200, OrderSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, account_id):
        """The account's orders, newest first: open ones (default), closed ones or all"""
        stmt = Order.of_account(account(account_id).id)
        if args["status"] != "all":
            stmt = stmt.where(Order.status.in_(OPEN if args["status"] == "open" else FINAL))
        if args.get("symbols"):
            names = [normalized(s.strip()) for s in args["symbols"].split(",") if s.strip()]
            stmt = stmt.where(Order.symbol.in_(names) | Order.quote_ref.in_(names))
        page = keyset_page(db.session, stmt, Order.id, args)
        return page.items, link_header(page)

    # arguments first: the order's quote is read in the session check's round trip
    @blp.arguments(OrderCreateSchema, as_kwargs=True)
    @blp.login_required(reads=read_quote)
    @blp.response(201, OrderSchema)
    @blp.alt_response(200, schema=OrderSchema, description="A retry: the order this client_order_id placed")
    @blp.alt_response(403, description=POOR)
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(422, description=REFUSED)
    def post(self, account_id, reads, **order):
        """Place an order: market, limit, stop, stop_limit or trailing_stop, for a qty or a notional"""
        return service.place(current_session().user_id, account_id, order, reads)

    @blp.login_required
    @blp.response(207, CancelResultSchema(many=True))
    @blp.alt_response(404, description=NOT_FOUND)
    def delete(self, account_id):
        """Cancel every open order: one result each (status 200 and the canceled order)"""
        return service.cancel_all(account(account_id, lock=True))


@blp.route(f"{ORDERS}/by_client_order_id")
class OrderByClientId(MethodView):
    @blp.login_required
    @blp.arguments(ClientOrderIdQuerySchema, location="query")
    @blp.response(200, OrderSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, account_id):
        """One order by your client_order_id"""
        return service.by_client_id_or_404(account(account_id), args["client_order_id"])


@blp.route(f"{ORDERS}/<{ID}:order_id>")
class OrderById(MethodView):
    @blp.login_required
    @blp.response(200, OrderSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, account_id, order_id):
        """One order"""
        return service.owned_or_404(account(account_id), order_id)

    @blp.login_required
    @blp.arguments(OrderReplaceSchema, description="Only the fields to change")
    @blp.response(200, OrderSchema)
    @blp.alt_response(403, description=POOR)
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(422, description="Not open or partly filled (`not_replaceable`), a field the order "
                                       "has not, or `duplicate_client_order_id`")
    def patch(self, changes, account_id, order_id):
        """Replace an open order: a new order (`replaces`), the old one `replaced` (`replaced_by`)"""
        owner = account(account_id, lock=True)
        return service.replace(owner, service.owned_or_404(owner, order_id, lock=True), changes)

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(422, description="Not open any more (`not_cancelable`)")
    def delete(self, account_id, order_id):
        """Cancel an open order"""
        service.cancel(service.owned_or_404(account(account_id, lock=True), order_id, lock=True))
