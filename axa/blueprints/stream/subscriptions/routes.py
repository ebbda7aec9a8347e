"""Channel subscriptions (issue 11 item 7): subscribe to a channel to be notified when it goes
live (axa/tasks/stream/notify.py). Subscribing and unsubscribing are idempotent: a second call
changes nothing and answers the same. The owner may subscribe to their own channel; they are
never notified of their own stream."""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.stream.channels import service as channels
from axa.blueprints.stream.channels.routes import SLUG
from axa.blueprints.stream.subscriptions.schemas import SubscriptionSchema
from axa.models.stream import Channel, Subscription, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header

blp = Blueprint("channel_subscriptions", __name__, url_prefix="/api/v1",
                description="Subscriptions to channels: notified when they go live")
NO_CHANNEL = "No channel has this address"


def present(subscriptions: list[Subscription], viewer: int) -> list[dict]:
    """Subscriptions with their channels as the channel pages show them (one query each)."""
    by_id = {c.id: c for c in db.session.scalars(
        db.select(Channel).where(Channel.id.in_([s.channel_id for s in subscriptions])))}
    shown = {c["id"]: c for c in channels.present_all(list(by_id.values()), viewer)}
    return [{"id": s.id, "subscribed_at": s.created_at, "channel": shown[s.channel_id]}
            for s in subscriptions if s.channel_id in shown]  # a channel deleted meanwhile: gone


@blp.route("/channels/<slug>/subscription", parameters=[SLUG])
class ChannelSubscription(MethodView):
    @blp.login_required
    @blp.response(200, SubscriptionSchema)
    @blp.alt_response(404, description=NO_CHANNEL)
    def post(self, slug):
        """Subscribe to a channel (subscribed already: the same subscription)"""
        user_id = current_session().user_id
        subscription = Subscription.subscribe(user_id, channels.by_slug_or_404(slug, lock=True).id)
        db.session.commit()
        return present([subscription], user_id)[0]

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=NO_CHANNEL)
    def delete(self, slug):
        """Unsubscribe from a channel (not subscribed: nothing to do, 204 too)"""
        Subscription.unsubscribe(current_session().user_id, channels.by_slug_or_404(slug).id)
        db.session.commit()


@blp.route("/subscriptions")
class MySubscriptions(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, SubscriptionSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """The channels I subscribe to, newest subscription first"""
        user_id = current_session().user_id
        page = keyset_page(db.session, Subscription.of_user(user_id), Subscription.id, args)
        return present(page.items, user_id), link_header(page)
