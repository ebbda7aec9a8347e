"""Stream keys of a channel, for its owner only (another user's channel: 403 ``not_owner``).

A key's secret is in the answer of its create or rotation only; it is stored as a SHA-256 hash.
Creates take no ``Idempotency-Key``: replaying the first answer would mean keeping the secret.
Rotation needs a recent sign-in (403 ``reauthentication_required``: re-authenticate on the auth
app, ``POST /api/v1/auth/reauthenticate``, and retry).
"""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.market.schemas import ID
from axa.blueprints.stream.channels.routes import SLUG
from axa.blueprints.stream.channels.service import owned_or_403
from axa.blueprints.stream.keys import service
from axa.blueprints.stream.keys.schemas import (
    KeyCreateSchema,
    KeySchema,
    NewKeySchema,
    RotatedKeySchema,
    RotateSchema,
)
from axa.models.stream import StreamKey
from axa.models.stream.keys import KEYS_MAX
from axa.platform import clock
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session, require_recent_sign_in

blp = Blueprint("stream_keys", __name__, url_prefix="/api/v1",
                description="Stream keys of your channels: create, list, revoke, rotate")
NOT_YOURS = "The channel is another user's (`not_owner`)"
NO_KEY = "No channel has this address, or it has no such key (revoked and expired keys are gone)"


def my_channel(slug: str, lock: bool = True):
    return owned_or_403(current_session().user_id, slug, lock=lock)


@blp.route("/channels/<slug>/keys", parameters=[SLUG])
class Keys(MethodView):
    @blp.login_required
    @blp.response(200, KeySchema(many=True))
    @blp.alt_response(403, description=NOT_YOURS)
    @blp.alt_response(404, description="No channel has this address")
    def get(self, slug):
        """The channel's working keys, oldest first, without their secrets"""
        keys = StreamKey.of_channel(my_channel(slug, lock=False).id, clock.now())
        return [service.present(k) for k in keys]

    @blp.login_required
    @blp.arguments(KeyCreateSchema)
    @blp.response(201, NewKeySchema)
    @blp.alt_response(403, description=NOT_YOURS)
    @blp.alt_response(404, description="No channel has this address")
    @blp.alt_response(409, description=f"The channel has {KEYS_MAX} working keys (`key_limit`)")
    def post(self, data, slug):
        """Create a key: its secret is shown in this answer only"""
        return service.create(my_channel(slug), data["label"])


@blp.route(f"/channels/<slug>/keys/<{ID}:key_id>", parameters=[SLUG])
class KeyById(MethodView):
    @blp.login_required
    @blp.response(204)
    @blp.alt_response(403, description=NOT_YOURS)
    @blp.alt_response(404, description=NO_KEY)
    def delete(self, slug, key_id):
        """Revoke a key: it stops at once"""
        service.revoke(service.key_or_404(my_channel(slug), key_id))


@blp.route(f"/channels/<slug>/keys/<{ID}:key_id>/rotate", parameters=[SLUG])
class KeyRotation(MethodView):
    @blp.login_required
    @blp.arguments(RotateSchema)
    @blp.response(201, RotatedKeySchema)
    @blp.alt_response(403, description=f"{NOT_YOURS}, or the last sign-in is too old "
                                       "(`reauthentication_required`)")
    @blp.alt_response(404, description=NO_KEY)
    def post(self, data, slug, key_id):
        """Replace a key by a new secret (same label); the old one stops now or after a grace period"""
        channel = my_channel(slug)
        require_recent_sign_in()
        return service.rotate(channel, service.key_or_404(channel, key_id), data["grace_seconds"])
