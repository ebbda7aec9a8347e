"""``GET /api/v1/channels/<slug>/chat`` upgraded to a WebSocket (flask-sock): a channel's live chat.

The handshake is authenticated like any request (axa/platform/auth_hook.py: the session cookie,
or ``Authorization: Bearer`` for clients that can set headers); a cookie handshake must come from
an allowed origin (a browser sends ``Origin`` on every WebSocket: cross-site hijacking refused,
403). Anonymous sockets read; only signed-in users send. Before the upgrade: 404 for an unknown
channel, 403 for a foreign origin, JSON errors like every endpoint.

Frames, JSON text (axa/blueprints/stream/chat/frames.py): the client sends ``{"type": "send",
"text": ...}`` or ``{"type": "ping"}``; the server sends ``welcome``, ``message``, ``delete``,
``ban``, ``timeout``, ``unban``, ``rules``, ``pong`` and ``error`` (``code``, ``message``,
``retry_after_ms``). A refused or malformed frame gets an error frame and the socket stays open;
only a frame over AXA_STREAM_CHAT_FRAME_BYTES (close 1009) or an ended session (close 1008)
closes it.
"""
from __future__ import annotations

import flask
from flask import current_app, g
from flask_smorest import abort
from flask_sock import Sock

from axa.blueprints.stream.channels import service as channels
from axa.blueprints.stream.chat.conversation import Conversation
from axa.models.stream import User, db
from axa.platform import security
from axa.platform.auth_hook import optional_session, presented_credential

PATH = "/api/v1/channels/<slug>/chat"
sock = Sock()
blp = flask.Blueprint("stream_chat_socket", __name__)


@blp.before_request
def admit() -> None:
    """The channel and who is asking, checked before the WebSocket handshake is answered."""
    channel = channels.by_slug_or_404(flask.request.view_args.get("slug", ""))
    session_id, how = presented_credential()
    if how == "cookie" and not security.origin_allowed(flask.request, current_app.config["AXA"].cors_origins):
        abort(403, message="Origin not allowed.")
    session = optional_session()
    user = db.session.get(User, session.user_id) if session else None
    g.chat = {"channel_id": channel.id, "owner_id": channel.user_id,
              "session_id": session_id if session else None, "user_id": session.user_id if session else None,
              "author": user.display_name if user else (f"user {session.user_id}" if session else None)}
    db.session.remove()  # the socket may live for hours: no database connection held meanwhile


@sock.route(PATH, bp=blp)
def chat(ws, slug):
    Conversation(ws, g.chat, current_app.config["AXA_STREAM_CHAT"]).run()


def init_app(app: flask.Flask) -> None:
    app.config.setdefault("SOCK_SERVER_OPTIONS", {
        "max_message_size": app.config["AXA_STREAM_CHAT"].frame_bytes,
        "ping_interval": app.config["AXA_STREAM_CHAT"].ping_seconds or None})
    app.register_blueprint(blp)
