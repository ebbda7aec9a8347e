"""An account's order events, oldest first after a cursor, as pages or as a stream of Server-Sent
Events: a client that reads ``since`` the last id it saw misses nothing and sees nothing twice
(each event is written with its order's change)."""
from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView

from axa.blueprints.market.schemas import ID
from axa.blueprints.terminal.accounts.service import owned_or_404
from axa.blueprints.terminal.events.schemas import EventQuerySchema, OrderEventSchema, StreamQuerySchema
from axa.blueprints.terminal.events.stream import stream
from axa.models.terminal import OrderEvent, db
from axa.models.terminal.events import EVENTS
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session

blp = Blueprint("order_events", __name__, url_prefix="/api/v1/accounts",
                description="The order events of a paper account, after a cursor")
SSE_EVENT = {"type": "object", "description": "One event of the stream", "properties": {
    "id": {"type": "string", "description": "The event's id: the cursor"},
    "event": {"type": "string", "enum": list(EVENTS)},
    "data": {"type": "string", "description": "The event as JSON (the fields of the events list's items)"},
    "retry": {"type": "integer", "description": "Milliseconds to wait before reconnecting"}}}
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


@blp.route(f"/<{ID}:account_id>/events/stream")
class OrderEventStream(MethodView):
    @blp.login_required
    @blp.arguments(StreamQuerySchema, location="query")
    @blp.response(200, SSE_EVENT, content_type="text/event-stream", description=(
        "Server-Sent Events: `id` (the cursor), `event` (new, fill, canceled, ...) and `data` (the event "
        "as JSON), after a `retry`. The backlog after the cursor, then new events while the account has "
        "open orders, for up to 25 s; reconnect with `Last-Event-ID` (browsers do) to miss nothing"))
    @blp.alt_response(404, description="No such open account of yours")
    def get(self, args, account_id):
        """The account's order events as a stream, resuming after `since` or the `Last-Event-ID` header"""
        return stream(owned_or_404(current_session().user_id, account_id).id, args["since"])
