"""Blueprints of the `stream` subsystem, in registration order; the media server's internal hooks
(ingest) are a plain Flask blueprint outside the public OpenAPI spec, added by ``init_app``."""
from axa.blueprints.replica.me.routes import blp as me_blp
from axa.blueprints.stream.channels.routes import blp as channels_blp
from axa.blueprints.stream.chat import socket as chat_socket
from axa.blueprints.stream.chat.routes import blp as chat_blp
from axa.blueprints.stream.ingest import service as ingest_service
from axa.blueprints.stream.ingest.routes import blp as ingest_blp
from axa.blueprints.stream.keys.routes import blp as keys_blp
from axa.blueprints.stream.notifications.routes import blp as notifications_blp
from axa.blueprints.stream.recommendations.routes import blp as recommendations_blp
from axa.blueprints.stream.sessions.routes import blp as sessions_blp
from axa.blueprints.stream.subscriptions.routes import blp as subscriptions_blp
from axa.blueprints.stream.viewers.routes import blp as viewers_blp
from axa.blueprints.stream.vods.routes import blp as vods_blp
from axa.models.stream.chat_settings import load_chat_settings
from axa.models.stream.settings import load_stream_settings
from axa.models.stream.viewer_settings import load_viewer_settings
from axa.models.stream.vod_settings import load_vod_settings
from axa.platform.errors import handle_unavailable
from axa.platform.storage import StorageUnavailable

BLUEPRINTS = [me_blp, channels_blp, keys_blp, sessions_blp, subscriptions_blp, notifications_blp,
              viewers_blp, recommendations_blp, chat_blp, vods_blp]


def init_app(app):
    """The stream settings (``AXA_STREAM``, unless the overrides set them; the hook addresses are
    checked now), the ingest hooks and the chat's WebSocket (``AXA_STREAM_CHAT``)."""
    settings = app.config.setdefault("AXA_STREAM", load_stream_settings())
    ingest_service.networks(settings.hook_addresses)
    app.config.setdefault("AXA_STREAM_VIEWERS", load_viewer_settings())
    app.config.setdefault("AXA_VOD", load_vod_settings())  # recordings (item 9); storage down: 503
    app.register_error_handler(StorageUnavailable, handle_unavailable)
    app.register_blueprint(ingest_blp)
    app.config.setdefault("AXA_STREAM_CHAT", load_chat_settings())
    chat_socket.init_app(app)
