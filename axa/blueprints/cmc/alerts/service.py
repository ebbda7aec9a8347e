"""What the alert endpoints do: resolve the target (a coin in the cmc database, a stocks symbol in
the latest-quote contract's index), check what the condition needs, keep the per-user limit of
active alerts exact (a per-user lock), and arm an alert from the latest quote (its ``last_side``)
so it fires on a crossing, not for a price already beyond."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask_smorest import abort
from sqlalchemy import select

from axa.blueprints import owned
from axa.models import latest_quotes
from axa.models.cmc import Alert, AlertEvent, Coin, db
from axa.models.cmc.alert_rules import SeenQuote, side_of
from axa.models.cmc.alert_settings import alert_settings
from axa.models.cmc.alerts import PRICE_CONDITIONS
from axa.platform.redis_client import get_redis

NOT_FOUND = "No such alert."
COIN_SOURCE = "cmc"  # the cmc ingest writes coin quotes as "cmc:<CMC id>"
THRESHOLD_MAX = Decimal(10000)
COOLDOWN_DEFAULT = 3600


def unprocessable(reason: str, field: str, message: str) -> None:
    abort(422, message=message, reason=reason, errors={"json": {field: [message]}})


def owned_or_404(user_id: int, alert_id: int, lock: bool = False) -> Alert:
    return owned.owned_or_404(Alert, user_id, alert_id, NOT_FOUND, lock)


def target(data: dict) -> dict:
    """The alert's target columns from ``coin_id``, ``coin_symbol`` or ``symbol``, else 422."""
    if "symbol" in data:
        ref = get_redis().hget(latest_quotes.INDEX_KEY, data["symbol"])
        if ref is None:
            unprocessable("unknown_symbol", "symbol",
                          "The stocks market data knows no instrument by this symbol.")
        ref = ref.decode() if isinstance(ref, bytes) else ref
        return {"kind": "stock", "coin_id": None, "symbol": data["symbol"], "ref": ref}
    if "coin_id" in data:
        coin = db.session.get(Coin, data["coin_id"])
    else:
        coin = db.session.scalar(select(Coin).where(Coin.symbol == data["coin_symbol"])
                                 .order_by(Coin.rank.asc().nulls_last(), Coin.id).limit(1))
    if coin is None:
        field = "coin_id" if "coin_id" in data else "coin_symbol"
        unprocessable("unknown_coin", field, "No coin has this CMC id or symbol.")
    return {"kind": "coin", "coin_id": coin.id, "symbol": coin.symbol, "ref": f"{COIN_SOURCE}:{coin.id}"}


def check_condition(alert: Alert) -> None:
    """What the alert's condition needs, else 422 with a ``reason``."""
    if alert.condition in PRICE_CONDITIONS:
        if alert.level is None or alert.level <= 0:
            unprocessable("bad_level", "level", "A price alert needs a `level` more than 0.")
        if alert.threshold_pct is not None:
            unprocessable("bad_threshold", "threshold_pct",
                          "A price alert takes a `level`, no `threshold_pct`.")
        alert.window = None
        return
    if alert.level is not None:
        unprocessable("bad_level", "level", "A change alert takes a `threshold_pct`, no `level`.")
    threshold = alert.threshold_pct
    if threshold is None or not 0 < threshold <= THRESHOLD_MAX:
        unprocessable("bad_threshold", "threshold_pct", "A change alert needs a `threshold_pct` more than 0, "
                                                        "at most 10000.")
    alert.window = alert.window or "24h"
    if alert.window == "1h" and alert.kind == "stock":
        unprocessable("window_unavailable", "window", "Stocks quotes carry no hourly change: use `24h`.")


def check_cooldown(alert: Alert) -> None:
    least = alert_settings().cooldown_min_s
    if alert.recurring and alert.cooldown_s < least:
        unprocessable("bad_cooldown", "cooldown_s", f"A recurring alert's cooldown is at least {least} s.")


def arm(alert: Alert) -> None:
    """Set ``last_side`` from the latest quote in the contract (none: null, the first quote decides)."""
    quote = latest_quotes.read_one(get_redis(), *alert.ref.split(":", 1))
    alert.last_side = alert.last_price = alert.last_as_of = None
    if quote is None or quote.get("price") is None or quote.get("as_of") is None:
        return
    seen = SeenQuote(alert.ref, Decimal(quote["price"]), _number(quote.get("change_pct_1h")),
                     _number(quote.get("change_pct")), datetime.fromisoformat(quote["as_of"]))
    alert.last_side = side_of(alert.condition, alert.level, alert.threshold_pct, alert.window, seen)
    if alert.last_side is not None:
        alert.last_price, alert.last_as_of = seen.price, seen.as_of


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def within_limit(user_id: int) -> None:
    limit = alert_settings().active_max
    owned.within_limit(Alert, user_id, lambda: Alert.active_count(user_id), limit,
                       f"You have {limit} active alerts, the most allowed; pause or delete one first.",
                       "alert_limit")


def create(user_id: int, data: dict) -> Alert:
    alert = Alert(user_id=user_id, **target(data), condition=data["condition"], level=data.get("level"),
                  threshold_pct=data.get("threshold_pct"), window=data.get("window"),
                  recurring=data.get("recurring", False), cooldown_s=data.get("cooldown_s", COOLDOWN_DEFAULT),
                  channels=data.get("channels", ["in_app"]), note=data.get("note"), status="active",
                  fired_count=0)
    check_condition(alert)
    check_cooldown(alert)
    within_limit(user_id)
    arm(alert)
    db.session.add(alert)
    db.session.commit()
    return alert


def change(alert: Alert, changes: dict) -> Alert:
    """Apply a PATCH; a new level, threshold or window, or going active again, re-arms the alert."""
    rearm = any(name in changes and changes[name] != getattr(alert, name)
                for name in ("level", "threshold_pct", "window"))
    for name in ("level", "threshold_pct", "window", "recurring", "cooldown_s", "channels", "note"):
        if name in changes:
            setattr(alert, name, changes[name])
    check_condition(alert)
    check_cooldown(alert)
    status = changes.get("status", alert.status)
    if status == "active" and alert.status != "active":
        within_limit(alert.user_id)
        rearm = True
    alert.status = status
    if rearm:
        arm(alert)
    alert.updated_at = datetime.now(UTC)
    db.session.commit()
    return alert


def event_view(event: AlertEvent) -> dict:
    return {**{c.name: getattr(event, c.name) for c in AlertEvent.__table__.columns},
            "read": event.read_at is not None}


def mark_read(user_id: int, data: dict) -> dict:
    marked = AlertEvent.mark_read(user_id, data.get("ids"), data.get("up_to_id"))
    db.session.commit()
    return {"marked": marked, "unread": AlertEvent.unread_count(user_id)}
