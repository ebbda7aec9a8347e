"""The other chat library issue 11 names, for ``stream_chat_libraries``: a bare Flask-SocketIO
broadcast server with its Redis message queue, served like bench/stream_chat_bare.py (flask-sock
and Redis pub/sub): gunicorn gthread workers, Flask-SocketIO's threading mode on simple-websocket.

Every client joins one room at connect and gets a ``welcome`` event; a ``send`` event is emitted to
the room through the message queue (Redis pub/sub), which every process hears and writes to its
sockets of the room. WebSocket transport only (no long-polling, so no sticky sessions). No session,
no checks: the floor of fan-out with these parts.

    gunicorn bench.stream_chat_socketio:app     (AXA_REDIS_URL from the environment)
"""
from __future__ import annotations

from flask import Flask
from flask_socketio import SocketIO, emit, join_room

from axa.platform.config import load_settings

ROOM = "bench"
app = Flask("bench.stream_chat_socketio")
socketio = SocketIO(app, message_queue=load_settings().redis_url, channel="bench-chat-socketio",
                    async_mode="threading", transports=["websocket"], cors_allowed_origins="*",
                    ping_interval=120, ping_timeout=60)


@socketio.on("connect")
def joined():
    join_room(ROOM)
    emit("welcome", {})


@socketio.on("send")
def broadcast(text):
    socketio.emit("message", text, to=ROOM)
