"""One chat socket's life: join the channel's room in this process's hub, read the client's
frames, check each message against the channel's shared state in Redis (one round trip with the
session check: a logout or a ban anywhere is seen by the next message) and post it.

A message is posted to Redis only (buffer, pub/sub), never written to PostgreSQL here: the
``stream.chat`` batch does that (axa/tasks/stream/chat.py), kicked at most once per flush delay.
"""
from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import redis
from flask import current_app
from simple_websocket import Server

from axa.blueprints.stream.chat import frames
from axa.blueprints.stream.chat.hub import Peer, hub_for
from axa.models.stream import Subscription, db
from axa.models.stream import chat_state as state
from axa.models.stream.chat_settings import ChatSettings
from axa.platform.auth_hook import session_store
from axa.platform.redis_client import get_redis
from axa.tasks.stream.chat import schedule_flush

log = logging.getLogger(__name__)
SUBSCRIPTION_STALE = 5.0  # s: a refused subscribers-only message rereads the subscription after this
POLICY_VIOLATION = 1008


class Conversation:
    def __init__(self, ws: Server, who: dict, settings: ChatSettings):
        self.ws, self.who, self.settings = ws, who, settings
        self.peer = Peer(ws, who["user_id"])
        self.redis = get_redis()
        self.bucket, self.bucket_at = float(settings.frames_per_second), time.monotonic()
        self.since_ms, self.since_read = self.subscription(), time.monotonic()

    def run(self) -> None:
        hub = hub_for(current_app.config["AXA"].redis_url)
        channel_id = self.who["channel_id"]
        try:
            if not hub.join(channel_id, self.peer):
                self.peer.send(frames.error("unavailable"))
                return
            self.peer.send(state.json_frame({"type": "welcome", "channel_id": channel_id,
                                             "user_id": self.who["user_id"]}))
            while self.ws.connected:
                data = self.ws.receive(timeout=None)
                if data is not None and not self.handle(data):
                    return
        finally:
            hub.leave(channel_id, self.peer)

    def handle(self, data: str | bytes) -> bool:
        """Answer one frame; False when the socket must close."""
        if not self.take_token():
            return self.refuse("flood")
        try:
            frame = frames.parse(data)
            if frame["type"] == "ping":
                return self.peer.send(state.json_frame({"type": "pong"}))
            if self.who["user_id"] is None:
                raise frames.FrameError("sign_in_required")
            return self.send(frames.message_text(frame))
        except frames.FrameError as exc:
            return self.refuse(exc.code)
        except redis.RedisError:
            log.warning("chat: Redis failed on a send", exc_info=True)
            return self.refuse("unavailable")

    def take_token(self) -> bool:
        now = time.monotonic()
        rate = self.settings.frames_per_second
        self.bucket = min(float(rate), self.bucket + (now - self.bucket_at) * rate)
        self.bucket_at = now
        if self.bucket < 1:
            return False
        self.bucket -= 1
        return True

    def refuse(self, code: str, wait_ms: int = 0) -> bool:
        self.peer.send(frames.error(code, wait_ms))
        if code == "session_ended":
            self.ws.close(POLICY_VIOLATION, "session ended")
            return False
        return True

    def send(self, text: str) -> bool:
        verdict = self.check(text)
        if verdict.code in ("load", "subscribers_only", "subscription_too_new") and self.reread(verdict.code):
            verdict = self.check(text)
        if verdict.code != "ok":
            return self.refuse("unavailable" if verdict.code == "load" else verdict.code, verdict.wait_ms)
        now = int(time.time() * 1000)
        event = {"type": "message", "id": verdict.id, "channel_id": self.who["channel_id"],
                 "user_id": self.who["user_id"], "author": self.who["author"], "text": text,
                 "sent_at": datetime.fromtimestamp(now / 1000, UTC).isoformat(), "sent_at_ms": now}
        state.post(self.redis, self.who["channel_id"], event)
        schedule_flush(self.redis, self.settings.flush_delay)
        return True

    def check(self, text: str) -> state.Verdict:
        """The session and the channel's rules, checked in one round trip."""
        now = state.now_ms()
        rate = (self.settings.rate_messages, self.settings.rate_seconds)
        who = self.who

        def queue(pipe, _key):
            state.queue_send(pipe, who["channel_id"], who["user_id"], text, self.since_ms, rate, now)
        session, found = session_store().validate_with(self.who["session_id"], queue)
        if session is None or session.user_id != self.who["user_id"]:
            return state.Verdict("session_ended")
        return state.verdict(found[0], now)

    def reread(self, code: str) -> bool:
        """Bring what a refusal may have been about up to date; True when worth a second check."""
        if code == "load":
            state.load(self.redis, self.who["channel_id"])
            db.session.remove()
            return True
        if time.monotonic() - self.since_read < SUBSCRIPTION_STALE:
            return False
        before, self.since_ms, self.since_read = self.since_ms, self.subscription(), time.monotonic()
        return self.since_ms != before

    def subscription(self) -> int:
        """When the user subscribed to the channel (epoch ms), -1 when not subscribed."""
        if self.who["user_id"] is None:
            return -1
        found = Subscription.of(self.who["user_id"], self.who["channel_id"])
        db.session.remove()
        return -1 if found is None else int(found.created_at.timestamp() * 1000)

