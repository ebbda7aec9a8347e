"""An account's positions, valued on the latest quotes: list (newest first), one by symbol (or
quote ref); close one or all with market orders (their orders are returned)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort
from werkzeug.exceptions import HTTPException

from axa.blueprints.market.schemas import ID
from axa.blueprints.terminal.accounts.service import owned_or_404
from axa.blueprints.terminal.orders.schemas import OrderSchema
from axa.blueprints.terminal.orders.service import place
from axa.blueprints.terminal.positions.schemas import CloseResultSchema, PositionSchema
from axa.models.terminal import Position, db
from axa.models.terminal.quotes import normalized
from axa.models.terminal.valuation import Valued, value_all
from axa.platform import clock
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header
from axa.platform.redis_client import get_redis

blp = Blueprint("positions", __name__, url_prefix="/api/v1/accounts",
                description="Positions of a paper account, with market value and P&L; close them")
POSITIONS = f"/<{ID}:account_id>/positions"
NOT_FOUND = "No such open account of yours, or no position in this symbol"


def account(account_id: int, lock: bool = False):
    return owned_or_404(current_session().user_id, account_id, lock=lock)


def present(valued: Valued) -> dict:
    p = valued.position
    return {"id": p.id, "symbol": p.symbol, "quote_ref": p.quote_ref, "asset_class": p.asset_class,
            "side": p.side, "qty": p.qty, "avg_entry_price": p.avg_entry_price, "cost_basis": p.cost_basis,
            "current_price": valued.current_price, "market_value": valued.market_value,
            "unrealized_pl": valued.unrealized_pl, "unrealized_plpc": valued.unrealized_plpc,
            "lastday_price": valued.lastday_price, "unrealized_intraday_pl": valued.unrealized_intraday_pl}


def valued(positions: list[Position]) -> list[dict]:
    return [present(v) for v in value_all(get_redis(), positions, clock.now())]


def held_or_404(account_id: int, symbol: str) -> Position:
    position = Position.by_symbol(account_id, normalized(symbol))
    if position is None:
        abort(404, message="No position in this symbol.")
    return position


def close(owner, held: tuple):
    """A market order for the whole position (symbol, qty, asset class), the other way."""
    symbol, qty, asset_class = held
    tif = "gtc" if asset_class == "crypto" else "day"
    order = {"symbol": symbol, "qty": abs(qty), "type": "market", "side": "sell" if qty > 0 else "buy",
             "time_in_force": tif}
    return place(owner.user_id, owner.id, order)[0]


def close_one(account_id: int, held: tuple) -> dict:
    """One position of a close-all: its order, or why it was refused (the others still close)."""
    try:
        return {"symbol": held[0], "status": 200, "body": close(account(account_id, lock=True), held)}
    except HTTPException as refused:
        db.session.rollback()
        data = getattr(refused, "data", {}) or {}
        return {"symbol": held[0], "status": refused.code, "body": None, "reason": data.get("reason"),
                "message": data.get("message", refused.description)}


def snapshot(position: Position) -> tuple:
    return position.symbol, position.qty, position.asset_class


@blp.route(POSITIONS)
class Positions(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, PositionSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, args, account_id):
        """The account's open positions, newest first, on their latest quotes"""
        page = keyset_page(db.session, Position.of_account(account(account_id).id), Position.id, args)
        return valued(page.items), link_header(page)

    @blp.login_required
    @blp.response(207, CloseResultSchema(many=True))
    @blp.alt_response(404, description=NOT_FOUND)
    def delete(self, account_id):
        """Close every position with a market order each: per position, 200 and the order, or the refusal"""
        owner = account(account_id, lock=True)
        held = [snapshot(p) for p in db.session.scalars(Position.of_account(owner.id).order_by(Position.id))]
        return [close_one(account_id, one) for one in held]


@blp.route(f"{POSITIONS}/<string(maxlength=64):symbol>")
class PositionBySymbol(MethodView):
    @blp.login_required
    @blp.response(200, PositionSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, account_id, symbol):
        """One position by its symbol or quote ref"""
        return valued([held_or_404(account(account_id).id, symbol)])[0]

    @blp.login_required
    @blp.response(200, OrderSchema)
    @blp.alt_response(403, description="Refused: `insufficient_buying_power` (covering a short)")
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(422, description="Refused: no quote for it any more (`unknown_symbol`)")
    def delete(self, account_id, symbol):
        """Close a position: a market order for all of it, the other way"""
        owner = account(account_id, lock=True)
        return close(owner, snapshot(held_or_404(owner.id, symbol)))
