"""Price alerts on coins and stocks instruments: the price crossing a level, or the percent change
over 1 h or 24 h passing a threshold; one-shot or recurring with a cooldown; active or paused;
delivered in the app (the events list with its unread count) and/or by mail.

Alerts are evaluated inside the ingest graphs, on each quote batch (axa/tasks/cmc/alerts.py), and
are edge-triggered: a price that stays beyond fires once. Another user's alert answers 404, as one
that does not exist. ``AXA_CMC_ALERTS_ACTIVE_MAX`` active alerts per user (409, reason
``alert_limit``, past it).
"""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.cmc.alerts import service
from axa.blueprints.cmc.alerts.schemas import (
    AlertCreateSchema,
    AlertEventSchema,
    AlertListQuerySchema,
    AlertPatchSchema,
    AlertSchema,
    EventListQuerySchema,
    MarkedSchema,
    MarkReadSchema,
    UnreadSchema,
)
from axa.blueprints.market.schemas import ID
from axa.models.cmc import Alert, AlertEvent, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, keyset_page, link_header

blp = Blueprint("alerts", __name__, url_prefix="/api/v1",
                description="Price alerts on coins and stocks, evaluated on every quote batch; their events")
NOT_FOUND = "No such alert of yours"
UNPROCESSABLE = ("Bad input (`errors` per field); a `reason` names a known case: `unknown_coin`, "
                 "`unknown_symbol`, `bad_level`, `bad_threshold`, `bad_cooldown`, `window_unavailable`")


def me() -> int:
    return current_session().user_id


@blp.route("/alerts")
class Alerts(MethodView):
    @blp.login_required
    @blp.arguments(AlertListQuerySchema, location="query")
    @blp.response(200, AlertSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """My alerts, newest first"""
        stmt = Alert.of_user(me())
        if "status" in args:
            stmt = stmt.where(Alert.status == args["status"])
        page = keyset_page(db.session, stmt, Alert.id, args)
        return page.items, link_header(page)

    @blp.login_required
    @blp.idempotent
    @blp.arguments(AlertCreateSchema)
    @blp.response(201, AlertSchema)
    @blp.alt_response(409, description="You have as many active alerts as allowed (`alert_limit`)")
    @blp.alt_response(422, description=UNPROCESSABLE)
    def post(self, data):
        """Create an alert on a coin (by CMC id or symbol) or a stocks instrument (by symbol)"""
        return service.create(me(), data)


@blp.route(f"/alerts/<{ID}:alert_id>")
class AlertById(MethodView):
    @blp.login_required
    @blp.response(200, AlertSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, alert_id):
        """One of my alerts, with the side it was last seen on and when it last fired"""
        return service.owned_or_404(me(), alert_id)

    @blp.login_required
    @blp.arguments(AlertPatchSchema, description="Only the fields to change")
    @blp.response(200, AlertSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(409, description="Going active past the limit of active alerts (`alert_limit`)")
    @blp.alt_response(422, description=UNPROCESSABLE)
    def patch(self, changes, alert_id):
        """Change, pause or re-arm an alert (a new level or threshold re-arms it from the latest quote)"""
        return service.change(service.owned_or_404(me(), alert_id, lock=True), changes)

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=NOT_FOUND)
    def delete(self, alert_id):
        """Delete an alert (its past events stay)"""
        db.session.delete(service.owned_or_404(me(), alert_id))
        db.session.commit()


@blp.route("/alerts/events")
class AlertEvents(MethodView):
    @blp.login_required
    @blp.arguments(EventListQuerySchema, location="query")
    @blp.response(200, AlertEventSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """My alerts' in-app events, newest first"""
        events = AlertEvent.of_user(me(), unread_only=args.get("unread", False))
        page = keyset_page(db.session, events, AlertEvent.id, args)
        return [service.event_view(e) for e in page.items], link_header(page)


@blp.route("/alerts/events/unread")
class UnreadEvents(MethodView):
    @blp.login_required
    @blp.response(200, UnreadSchema)
    def get(self):
        """How many of my in-app events are unread"""
        return {"unread": AlertEvent.unread_count(me())}


@blp.route("/alerts/events/read")
class ReadEvents(MethodView):
    @blp.login_required
    @blp.arguments(MarkReadSchema)
    @blp.response(200, MarkedSchema)
    def post(self, data):
        """Mark events read: by ids, or every one up to an id (ids not mine are ignored)"""
        return service.mark_read(me(), data)
