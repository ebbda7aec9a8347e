"""Short positions in a portfolio that allows them (axa/blueprints/cmc/portfolios/pnl.py): a sell
past the units held opens a short, buys cover it (FIFO: oldest short lot first), a large buy flips
it long, fees split between the closing and the opening part; values and allocation of a short."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from axa.blueprints.cmc.portfolios.pnl import InsufficientQuantity, Movement, allocation, position, valued


def move(kind: str, quantity: str, price: str | None = None, fee: str = "0") -> Movement:
    return Movement(kind, D(quantity), D(price) if price is not None else None, D(fee))


@pytest.mark.parametrize("method", ["fifo", "average"])
def test_a_sell_from_nothing_opens_a_short_and_a_buy_covers_it(method):
    held = position(method, [move("sell", "2", "100", fee="2")], allow_short=True)
    assert (held.quantity, held.cost, held.realized) == (D(-2), D(-198), D(0))  # proceeds 200 net of 2
    assert held.average_cost == D(99)
    assert valued(held, D(90)) == {"market_value": D(-180), "unrealized_pnl": D(18)}
    covered = position(method, [move("sell", "2", "100", fee="2"), move("buy", "1", "90", fee="1")],
                       allow_short=True)
    # half the short's basis (-99) leaves: received 99 net, paid 90 + 1 to cover
    assert (covered.quantity, covered.cost, covered.realized) == (D(-1), D(-99), D(8))


def test_fifo_covers_the_oldest_short_lot_first_average_at_the_average():
    moves = [move("sell", "1", "100"), move("sell", "1", "80"), move("buy", "1", "70")]
    fifo = position("fifo", moves, allow_short=True)
    assert (fifo.quantity, fifo.cost, fifo.realized) == (D(-1), D(-80), D(30))
    assert [list(lot) for lot in fifo.lots] == [[D(-1), D(-80)]]
    average = position("average", moves, allow_short=True)
    assert (average.quantity, average.cost, average.realized) == (D(-1), D(-90), D(20))


@pytest.mark.parametrize("method", ["fifo", "average"])
def test_a_sell_past_a_long_closes_it_then_goes_short_with_the_fee_split(method):
    moves = [move("buy", "1", "50"), move("sell", "3", "60", fee="3")]
    held = position(method, moves, allow_short=True)
    # 1 unit closes the long: 60 - 50 - 1 (a third of the fee); 2 open a short at 60, fee 2
    assert (held.quantity, held.cost, held.realized, held.fees) == (D(-2), D(-118), D(9), D(3))


@pytest.mark.parametrize("method", ["fifo", "average"])
def test_a_buy_past_a_short_flips_it_long(method):
    moves = [move("sell", "1", "100"), move("buy", "3", "90", fee="3")]
    held = position(method, moves, allow_short=True)
    assert (held.quantity, held.cost, held.realized) == (D(2), D(182), D(100 - 90 - 1))
    assert valued(held, D(95)) == {"market_value": D(190), "unrealized_pnl": D(8)}


def test_without_allow_short_the_same_sell_is_refused_and_transfers_always_need_units():
    with pytest.raises(InsufficientQuantity):
        position("fifo", [move("sell", "1", "100")])
    with pytest.raises(InsufficientQuantity):
        position("fifo", [move("sell", "1", "100"), move("transfer_out", "1")], allow_short=True)
    with pytest.raises(InsufficientQuantity):
        position("average", [move("buy", "1", "10"), move("fee", "2")], allow_short=True)


def test_a_short_counts_by_its_size_in_the_allocation():
    assert allocation([D(300), D(-100), None]) == [D(75), D(-25), None]
