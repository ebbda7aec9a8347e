"""The reference of ``stream_chat`` (DESIGN.md §8): a bare broadcast server on the same WebSocket
library (flask-sock / simple-websocket under gunicorn gthread) and Redis pub/sub as the chat.

Every socket of ``/ws`` joins one room; a text frame received is published to one Redis channel;
one pub/sub thread per process writes each published frame to every socket of the room. No
session, no checks, no JSON, no buffer: the floor of fan-out with these parts.

    gunicorn bench.stream_chat_bare:app     (AXA_REDIS_URL from the environment)
"""
from __future__ import annotations

import threading

import redis
from flask import Flask
from flask_sock import Sock

from axa.platform.config import load_settings

CHANNEL = "bench:chat:bare"
_redis = redis.Redis.from_url(load_settings().redis_url, decode_responses=True)
_room: set = set()
_lock = threading.Lock()
_ready = threading.Event()
app = Flask("bench.stream_chat_bare")
sock = Sock(app)


def _listen() -> None:
    pubsub = _redis.pubsub()
    pubsub.subscribe(CHANNEL)
    for message in pubsub.listen():
        if message["type"] == "subscribe":
            _ready.set()
        elif message["type"] == "message":
            for ws in tuple(_room):
                try:
                    ws.send(message["data"])
                except Exception:
                    _room.discard(ws)


@sock.route("/ws")
def broadcast(ws):
    with _lock:
        if not _ready.is_set() and not any(t.name == "bare-hub" for t in threading.enumerate()):
            threading.Thread(target=_listen, name="bare-hub", daemon=True).start()
    _ready.wait(5)
    _room.add(ws)
    try:
        ws.send('{"type":"welcome"}')
        while True:
            data = ws.receive()
            if data is not None:
                _redis.publish(CHANNEL, data)
    finally:
        _room.discard(ws)
