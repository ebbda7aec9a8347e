"""The order events as Server-Sent Events: the backlog after a cursor, then new events as matching
commits them while orders are open; a reconnect with ``Last-Event-ID`` resumes after it."""
from __future__ import annotations

import json

import pytest

from tests.blueprints.terminal.market import Market
from tests.blueprints.terminal.test_accounts import Trader
from tests.blueprints.terminal.test_orders import place


@pytest.fixture
def market(apps):
    return Market(apps)


@pytest.fixture
def trader(apps):
    return Trader(apps)


def parse(chunk: str) -> list[dict]:
    """The frames with an id in a chunk of the stream."""
    frames = []
    for block in chunk.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "id" in fields:
            frames.append({"id": int(fields["id"]), "event": fields["event"], "data": json.loads(fields["data"])})
    return frames


def test_the_stream_sends_the_backlog_then_fills_as_they_happen_and_resumes_from_a_cursor(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    bought = place(trader, account, qty="1")
    waiting = place(trader, account, type="limit", limit_price="95", time_in_force="gtc")
    response = trader.call("get", f"/accounts/{account['id']}/events/stream", buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    chunks = iter(response.response)
    assert next(chunks).decode().startswith("retry: ")
    backlog = [frame for _ in range(3) for frame in parse(next(chunks).decode())]
    assert [(f["event"], f["data"]["order_id"]) for f in backlog] == [
        ("new", bought["id"]), ("fill", bought["id"]), ("new", waiting["id"])]
    market.match(market.quote("AAPL", "94"))  # committed while the stream waits
    live = parse(next(chunks).decode())
    assert [(f["event"], f["data"]["order_id"], f["data"]["price"]) for f in live] == [
        ("fill", waiting["id"], "94.0000000000")]
    assert list(chunks) == []  # no open order left: the stream ends, the client reconnects
    response.close()
    again = trader.call("get", f"/accounts/{account['id']}/events/stream?since=0",
                        headers={"Last-Event-ID": str(backlog[1]["id"])})
    assert [f["id"] for f in parse(again.get_data(as_text=True))] == [backlog[2]["id"], live[0]["id"]]


def test_another_users_stream_is_not_found(apps, trader, market):
    account = trader.open()
    assert Trader(apps).call("get", f"/accounts/{account['id']}/events/stream").status_code == 404
