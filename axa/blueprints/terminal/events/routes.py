"""An account's order events, oldest first after a cursor: a client that reads ``since`` the last
id it saw misses nothing and sees nothing twice (each event is written with its order's change)."""
from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView

from axa.blueprints.market.schemas import ID
from axa.blueprints.terminal.accounts.service import owned_or_404
from axa.blueprints.terminal.events.schemas import EventQuerySchema, OrderEventSchema
from axa.models.terminal import OrderEvent, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session

blp = Blueprint("order_events", __name__, url_prefix="/api/v1/accounts",
                description="The order events of a paper account, after a cursor")
NEXT = {"Link": {"description": "The `next` page (`since` its last id) when this one is full",
                 "schema": {"type": "string"}}}


def next_link(events: list[OrderEvent], limit: int) -> dict[str, str]:
    if len(events) < limit:
        return {}
    args = {**request.args.to_dict(), "since": events[-1].id}
    url = url_for(request.endpoint, **(request.view_args or {}), **args, _external=True)
    return {"Link": f'<{url}>; rel="next"'}


@blp.route(f"/<{ID}:account_id>/events")
class OrderEvents(MethodView):
    @blp.login_required
    @blp.arguments(EventQuerySchema, location="query")
    @blp.response(200, OrderEventSchema(many=True), headers=NEXT)
    @blp.alt_response(404, description="No such open account of yours")
    def get(self, args, account_id):
        """The account's order events after `since`, oldest first (new, accepted, fill, canceled, ...)"""
        account = owned_or_404(current_session().user_id, account_id)
        after = OrderEvent.of_account(account.id).where(OrderEvent.id > args["since"])
        events = list(db.session.scalars(after.order_by(OrderEvent.id).limit(args["limit"])))
        return events, next_link(events, args["limit"])
