"""A round-trip trade entered by hand: its entry and its exit as two executions of the account,
stored together or not at all (either one already held: 409 ``duplicate_execution``, nothing
stored), grouped by FIFO like any others."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema
from sqlalchemy.dialects.postgresql import insert

from axa.blueprints.cmc.portfolios.schemas import DIGITS, EARLIEST, amount
from axa.blueprints.cmc.watchlists.schemas import described
from axa.blueprints.market.schemas import ID
from axa.blueprints.stocks.diary import presenter, service
from axa.blueprints.stocks.diary.schemas import SYMBOL, ExecutionSchema
from axa.models.stocks import DiaryExecution, db
from axa.models.stocks.diary import SYMBOL_MAX, fingerprint_of
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session

PRICE = f"Per unit, 0 or more, {DIGITS} (else 422)"
blp = Blueprint("diary_round_trips", __name__, url_prefix="/api/v1/diary",
                description="Trader's diary: round-trip trades entered by hand")


def moment(what: str):
    return fields.AwareDateTime(required=True, default_timezone=UTC, metadata=described(
        f"{what}, ISO 8601 (no offset: UTC; in the future or before 1900: 422)"))


class RoundTripSchema(Schema):
    symbol = fields.String(required=True, validate=[validate.Length(min=1, max=SYMBOL_MAX), SYMBOL],
                           metadata=described(f"1 to {SYMBOL_MAX} letters, digits or . - _ / : ^ =, any case "
                                              "(else 422)"))
    direction = fields.String(required=True, validate=validate.OneOf(("long", "short")), metadata=described(
        "`long` (buy, then sell) or `short` (sell, then buy); else 422"))
    quantity = amount("Must be more than 0.", positive=True, required=True,
                      metadata=described(f"Units, more than 0, {DIGITS} (else 422)"))
    entry_price = amount("Must not be negative.", required=True, metadata=described(PRICE))
    exit_price = amount("Must not be negative.", required=True, metadata=described(PRICE))
    entry_fee = amount("Must not be negative.", load_default=Decimal(0), metadata=described(
        f"0 or more (default 0), {DIGITS} (else 422)"))
    exit_fee = amount("Must not be negative.", load_default=Decimal(0), metadata=described(
        f"0 or more (default 0), {DIGITS} (else 422)"))
    entry_at = moment("When it was entered")
    exit_at = moment("When it was exited, not before `entry_at`")
    initial_risk = amount("Must be more than 0.", positive=True, metadata=described(
        f"Optional: the money risked (entry to stop), more than 0, {DIGITS} (else 422): gives the R "
        "multiple"))

    @validates_schema
    def ordered(self, data: dict, **_) -> None:
        entry, exit_ = data.get("entry_at"), data.get("exit_at")
        for name, at in (("entry_at", entry), ("exit_at", exit_)):
            if at is not None and not EARLIEST <= at <= datetime.now(UTC):
                raise ValidationError("Must not be in the future, nor before 1900.", field_name=name)
        if entry and exit_ and exit_ < entry:
            raise ValidationError("Must not be before `entry_at`.", field_name="exit_at")

    @post_load
    def normalized(self, data: dict, **_) -> dict:
        data["symbol"] = data["symbol"].upper()
        return data


class RoundTripExecutionsSchema(Schema):
    executions = fields.List(fields.Nested(ExecutionSchema), metadata=described("The entry, then the exit"))


def legs(data: dict) -> list[dict]:
    opening = "buy" if data["direction"] == "long" else "sell"
    closing = "sell" if opening == "buy" else "buy"
    return [{"symbol": data["symbol"], "side": side, "quantity": data["quantity"], "price": price,
             "fee": fee, "executed_at": at, "initial_risk": risk}
            for side, price, fee, at, risk in (
                (opening, data["entry_price"], data["entry_fee"], data["entry_at"], data.get("initial_risk")),
                (closing, data["exit_price"], data["exit_fee"], data["exit_at"], None))]


@blp.route(f"/accounts/<{ID}:account_id>/round-trips")
class RoundTrips(MethodView):
    @blp.login_required
    @blp.arguments(RoundTripSchema)
    @blp.response(201, RoundTripExecutionsSchema)
    @blp.alt_response(404, description="No such diary account of yours")
    @blp.alt_response(409, description="The account holds the entry or the exit already "
                                       "(`duplicate_execution`), would hold more executions than allowed "
                                       "(`execution_limit`), or mirrors a paper account "
                                       "(`read_only_account`)")
    def post(self, data, account_id):
        """Enter a round-trip trade by hand: its entry and exit as two executions"""
        account = service.owned_or_404(current_session().user_id, account_id, lock=True)
        service.writable(account)
        if DiaryExecution.count_in(account.id) + 2 > service.EXECUTIONS_MAX:
            abort(409, message=f"This account would hold over {service.EXECUTIONS_MAX} executions.",
                  reason="execution_limit")
        ids = []
        for leg in legs(data):
            fingerprint = fingerprint_of(*(leg[k] for k in ("symbol", "side", "quantity", "price", "fee",
                                                            "executed_at")))
            new_id = db.session.scalar(
                insert(DiaryExecution).values(account_id=account.id, fingerprint=fingerprint, **leg)
                .on_conflict_do_nothing(constraint="uq_diary_executions_account_fingerprint")
                .returning(DiaryExecution.id))
            if new_id is None:
                db.session.rollback()
                abort(409, message="This account already holds the entry or the exit (same symbol, side, "
                                   "quantity, price, fee and time); nothing was stored.",
                      reason="duplicate_execution")
            ids.append(new_id)
        account.touch()
        db.session.commit()
        return {"executions": [presenter.execution(db.session.get(DiaryExecution, i)) for i in ids]}
