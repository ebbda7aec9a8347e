"""FIFO and average-cost P&L of one asset (axa/blueprints/cmc/portfolios/pnl.py): partial sells,
several lots, transfers in and out, fees in cash and in the asset, and selling more than held."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from axa.blueprints.cmc.portfolios.pnl import InsufficientQuantity, Movement, allocation, position, valued


def move(kind: str, quantity: str, price: str | None = None, fee: str = "0") -> Movement:
    return Movement(kind, D(quantity), D(price) if price is not None else None, D(fee))


TWO_LOTS = [move("buy", "1", "100"), move("buy", "1", "200")]


def test_fifo_sells_the_oldest_lot_first():
    held = position("fifo", [*TWO_LOTS, move("sell", "1", "250")])
    assert (held.quantity, held.cost, held.realized) == (D(1), D(200), D(150))


def test_average_cost_sells_at_the_average():
    held = position("average", [*TWO_LOTS, move("sell", "1", "250")])
    assert (held.quantity, held.cost, held.realized) == (D(1), D(150), D(100))
    assert held.average_cost == D(150)


def test_a_partial_sell_across_several_lots():
    moves = [move("buy", "2", "10"), move("buy", "3", "20"), move("buy", "5", "30"), move("sell", "4", "40")]
    fifo = position("fifo", moves)
    assert (fifo.quantity, fifo.cost, fifo.realized) == (D(6), D(170), D(160 - 60))  # 2@10 + 2@20 out
    assert [list(lot) for lot in fifo.lots] == [[D(1), D(20)], [D(5), D(150)]]
    average = position("average", moves)  # 10 units cost 230: 23 each
    assert (average.quantity, average.cost, average.realized) == (D(6), D(138), D(160 - 92))


@pytest.mark.parametrize("method", ["fifo", "average"])
def test_fees_raise_the_cost_basis_and_lower_the_proceeds(method):
    held = position(method, [move("buy", "2", "100", fee="4"), move("sell", "1", "150", fee="1")])
    assert (held.quantity, held.cost, held.realized, held.fees) == (D(1), D(102), D(150 - 1 - 102), D(5))


def test_a_transfer_in_at_a_price_adds_a_lot():
    held = position("fifo", [move("buy", "1", "100"), move("transfer_in", "1", "300"), move("sell", "1", "50")])
    assert (held.quantity, held.cost, held.realized) == (D(1), D(300), D(-50))
    free = position("fifo", [move("transfer_in", "2")])
    assert (free.quantity, free.cost) == (D(2), D(0))


@pytest.mark.parametrize(("method", "cost_left"), [("fifo", D(200)), ("average", D(150))])
def test_a_transfer_out_removes_quantity_without_realizing(method, cost_left):
    held = position(method, [*TWO_LOTS, move("transfer_out", "1", fee="2")])
    assert (held.quantity, held.cost, held.realized) == (D(1), cost_left, D(-2))


def test_a_fee_paid_in_the_asset_is_a_realized_loss():
    held = position("average", [move("buy", "10", "5"), move("fee", "1", fee="0.5")])
    assert (held.quantity, held.cost, held.realized) == (D(9), D(45), D("-5.5"))


@pytest.mark.parametrize("method", ["fifo", "average"])
def test_selling_everything_leaves_no_cost_and_selling_more_is_refused(method):
    thirds = [move("buy", "3", "10"), move("sell", "1", "20"), move("sell", "1", "20"), move("sell", "1", "20")]
    held = position(method, thirds)
    assert (held.quantity, held.cost, held.realized, held.average_cost) == (D(0), D(0), D(30), None)
    with pytest.raises(InsufficientQuantity) as refused:
        position(method, [*thirds[:2], move("transfer_out", "2.5")])
    assert (refused.value.index, refused.value.held, refused.value.wanted) == (2, D(2), D("2.5"))


def test_market_value_unrealized_pnl_and_allocation():
    held = position("fifo", TWO_LOTS)
    assert valued(held, D(180)) == {"market_value": D(360), "unrealized_pnl": D(60)}
    assert valued(held, None) == {"market_value": None, "unrealized_pnl": None}
    assert allocation([D(300), D(100), None]) == [D(75), D(25), None]
    assert allocation([D(0), None]) == [None, None]


def test_the_widest_stored_numbers_stay_exact():
    big, wei = D("12345678901234567890.123456789012345678"), D("0.000000000000000001")
    held = position("fifo", [move("buy", str(big), "99999999999999999999.999999999999999999"),
                             move("transfer_out", str(wei))])
    left = D("12345678901234567890.123456789012345677")  # big - wei, which 28 digits would round
    assert held.quantity == left and held.lots[0][0] == left
    assert valued(held, D(2))["market_value"] == D("24691357802469135780.246913578024691354")
    assert position("average", [move("buy", str(big), "1"), move("sell", str(wei), "1")]).realized == 0
