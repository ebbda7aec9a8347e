"""One hub per app process: the process's chat sockets by channel, and one Redis pub/sub
connection (``PSUBSCRIBE axa:stream:chat:ev:*``) whose events it writes to the sockets of their
channel. Every process publishes to Redis and hears every channel's events, so a message sent
to one process reaches the sockets of all of them.

One pattern subscription, made once, rather than one per channel: redis-py's PubSub is not made
to be changed from other threads while it listens, and a process then never misses an event of
a channel its next socket joins. Each process thus receives every channel's chat traffic and
drops what it has no socket for (fine for a platform's chat; shard by channel when it is not).

A peer's frames are written under its own lock (the hub's thread and the socket's thread both
write to it); a peer whose write fails is dropped from its room.
"""
from __future__ import annotations

import logging
import threading
import time

import redis
from simple_websocket import Server

from axa.models.stream.chat_state import EVENTS_PATTERN

log = logging.getLogger(__name__)
READY_TIMEOUT = 5.0
_hubs: dict[str, Hub] = {}
_hubs_lock = threading.Lock()


class Peer:
    __slots__ = ("lock", "user_id", "ws")

    def __init__(self, ws: Server, user_id: int | None):
        self.ws, self.user_id, self.lock = ws, user_id, threading.Lock()

    def send(self, frame: str) -> bool:
        """Write one text frame; False when the socket is gone."""
        with self.lock:
            try:
                self.ws.send(frame)
                return True
            except Exception:
                return False


class Hub:
    def __init__(self, redis_url: str):
        self.redis_url = redis_url
        self.rooms: dict[int, set[Peer]] = {}
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.thread: threading.Thread | None = None

    def join(self, channel_id: int, peer: Peer) -> bool:
        """Add the peer to its channel's room; False when Redis's events cannot be heard yet."""
        with self.lock:
            self.rooms.setdefault(channel_id, set()).add(peer)
            if self.thread is None:
                self.thread = threading.Thread(target=self._listen, name="chat-hub", daemon=True)
                self.thread.start()
        return self.ready.wait(READY_TIMEOUT)

    def leave(self, channel_id: int, peer: Peer) -> None:
        with self.lock:
            room = self.rooms.get(channel_id)
            if room is not None:
                room.discard(peer)
                if not room:
                    del self.rooms[channel_id]

    def deliver(self, channel_id: int, frame: str) -> None:
        for peer in tuple(self.rooms.get(channel_id, ())):
            if not peer.send(frame):
                self.leave(channel_id, peer)

    def _listen(self) -> None:
        """Hear every channel's events for ever; reconnect after a Redis failure."""
        pause = 0.1
        while True:
            try:
                client = redis.Redis.from_url(self.redis_url, decode_responses=True, socket_connect_timeout=2,
                                              health_check_interval=30)
                pubsub = client.pubsub()
                pubsub.psubscribe(EVENTS_PATTERN)
                for message in pubsub.listen():
                    if message["type"] == "psubscribe":
                        self.ready.set()
                        pause = 0.1
                    elif message["type"] == "pmessage":
                        self.deliver(int(message["channel"].rpartition(":")[2]), message["data"])
            except (redis.RedisError, OSError, ValueError):
                self.ready.clear()
                log.warning("chat hub: Redis pub/sub lost, reconnecting in %.1f s", pause, exc_info=True)
                time.sleep(pause)
                pause = min(pause * 2, 5.0)


def hub_for(redis_url: str) -> Hub:
    with _hubs_lock:
        if redis_url not in _hubs:
            _hubs[redis_url] = Hub(redis_url)
        return _hubs[redis_url]
