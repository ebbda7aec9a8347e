"""The order events of an account as Server-Sent Events, from a cursor: ``since`` or the
``Last-Event-ID`` a reconnecting browser sends. The backlog after the cursor first, then new events
as they are committed (read every POLL_SECONDS, each read its own short transaction), while the
account has open orders (nothing else makes events), for at most HOLD_SECONDS; then the stream
ends and the client reconnects after ``retry`` with its last id, missing nothing."""
from __future__ import annotations

import re
import time
from collections.abc import Iterator

from flask import Response, request, stream_with_context
from sqlalchemy import exists, select

from axa.blueprints.terminal.events.schemas import OrderEventSchema
from axa.models.terminal import Order, OrderEvent, db
from axa.models.terminal.orders import OPEN
from axa.platform.keyset import ID_MAX

HOLD_SECONDS, POLL_SECONDS, RETRY_MS, BATCH = 25.0, 0.25, 3000, 500
_dump = OrderEventSchema().dumps


def cursor(since: int) -> int:
    """``Last-Event-ID`` (a browser's reconnect) over ``since`` when it is a valid id."""
    last = request.headers.get("Last-Event-ID", "")
    return int(last) if re.fullmatch(r"\d{1,19}", last) and int(last) <= ID_MAX else since


def pending(account_id: int, after: int) -> list[OrderEvent]:
    found = list(db.session.scalars(OrderEvent.of_account(account_id).where(OrderEvent.id > after)
                                    .order_by(OrderEvent.id).limit(BATCH)))
    db.session.rollback()  # no transaction held open between reads
    return found


def has_open_orders(account_id: int) -> bool:
    found = db.session.scalar(select(exists().where(Order.account_id == account_id, Order.status.in_(OPEN))))
    db.session.rollback()
    return bool(found)


def frames(account_id: int, after: int) -> Iterator[str]:
    yield f"retry: {RETRY_MS}\n\n"
    deadline = time.monotonic() + HOLD_SECONDS
    while True:
        live = has_open_orders(account_id)  # before the read: what ends the orders is read below
        events = pending(account_id, after)
        for event in events:
            yield f"id: {event.id}\nevent: {event.event}\ndata: {_dump(event)}\n\n"
            after = event.id
        if len(events) == BATCH:
            continue
        if not live or time.monotonic() >= deadline:
            return
        time.sleep(POLL_SECONDS)


def stream(account_id: int, since: int) -> Response:
    return Response(stream_with_context(frames(account_id, cursor(since))), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
