"""The chat's shared state in Redis: what every app process checks on each send and how events
reach every process (a Redis contract, README "Stream chat").

  ``axa:stream:chat:{cid}:rules``   hash {owner, slow (s), subs_only 0|1, min_sub (min), terms
                                     (case-folded, one a line)}; absent: not loaded (``load``)
  ``axa:stream:chat:{cid}:mods``    set of moderator user ids
  ``axa:stream:chat:{cid}:bans``    hash user id -> until (epoch ms; 0: until lifted)
  ``axa:stream:chat:{cid}:slow:{uid}`` the user's slow-mode wait (PX)
  ``axa:stream:chat:rate:{uid}``    the user's messages in the current rate window (all channels)
  ``axa:stream:chat:seq``           the message id counter (axa/models/stream/chat.py ``message_id``)
  ``axa:stream:chat:msg:{id}``      "cid:uid" of a recent message (a day): a deletion finds it
                                     before its batch is written
  ``axa:stream:chat:ev:{cid}``      pub/sub: the channel's events, JSON text frames as sent to clients
  ``axa:stream:chat:buffer``        stream of message events waiting for ``stream.chat`` (group
                                     ``persist``), axa/tasks/stream/chat.py

The rows of axa/models/stream/chat_moderation.py are the truth: ``load`` copies them here when
the rules key is missing (a new channel, a flushed Redis); every moderation change updates both.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

import redis

from axa.models.stream import db
from axa.models.stream.channels import Channel
from axa.models.stream.chat import message_id
from axa.models.stream.chat_moderation import ChatBan, ChatModerator, ChatRules
from axa.platform.lua import LuaScript

PREFIX = "axa:stream:chat:"
EVENTS = PREFIX + "ev:{}"
EVENTS_PATTERN = PREFIX + "ev:*"
BUFFER = PREFIX + "buffer"
RECENT_SECONDS = 86400
SEND = LuaScript(__file__, "chat_send")


def key(channel_id: int, name: str) -> str:
    return f"{PREFIX}{channel_id}:{name}"


def now_ms() -> int:
    return int(time.time() * 1000)


def fold(text: str) -> str:
    return text.casefold()


def load(client: redis.Redis, channel_id: int) -> None:
    """Copy the channel's rules, moderators and active bans from the database into Redis."""
    channel = db.session.get(Channel, channel_id)
    if channel is None:
        return
    rules = ChatRules.of(channel_id)
    mods = [m.user_id for m in ChatModerator.of_channel(channel_id)]
    bans = {b.user_id: _until_ms(b.until) for b in db.session.scalars(
        ChatBan.active(channel_id, db.func.now()))}
    with client.pipeline(transaction=True) as pipe:
        pipe.delete(key(channel_id, "mods"), key(channel_id, "bans"))
        if mods:
            pipe.sadd(key(channel_id, "mods"), *mods)
        if bans:
            pipe.hset(key(channel_id, "bans"), mapping=bans)
        pipe.hset(key(channel_id, "rules"), mapping={"owner": channel.user_id, **_rules_fields(rules)})
        pipe.execute()


def ensure_loaded(client: redis.Redis, channel_id: int) -> None:
    if not client.exists(key(channel_id, "rules")):
        load(client, channel_id)


def _rules_fields(rules: ChatRules) -> dict:
    return {"slow": rules.slow_mode_seconds, "subs_only": int(rules.subscribers_only),
            "min_sub": rules.min_subscription_minutes,
            "terms": "\n".join(fold(t) for t in rules.blocked_terms)}


def _until_ms(until) -> int:
    return 0 if until is None else int(until.timestamp() * 1000)


def put_rules(client: redis.Redis, rules: ChatRules) -> None:
    ensure_loaded(client, rules.channel_id)
    client.hset(key(rules.channel_id, "rules"), mapping=_rules_fields(rules))


def put_moderator(client: redis.Redis, channel_id: int, user_id: int, appointed: bool) -> None:
    ensure_loaded(client, channel_id)
    (client.sadd if appointed else client.srem)(key(channel_id, "mods"), user_id)


def put_ban(client: redis.Redis, ban: ChatBan | None, channel_id: int, user_id: int) -> None:
    """The user's ban (or timeout) as it now is; ``ban`` None: lifted."""
    ensure_loaded(client, channel_id)
    if ban is None:
        client.hdel(key(channel_id, "bans"), user_id)
    else:
        client.hset(key(channel_id, "bans"), user_id, _until_ms(ban.until))


def is_moderator(client: redis.Redis, channel_id: int, user_id: int) -> bool:
    ensure_loaded(client, channel_id)
    return bool(client.sismember(key(channel_id, "mods"), user_id))


@dataclass(frozen=True)
class Verdict:
    code: str  # "ok" or why the message was refused
    wait_ms: int = 0
    id: int = 0


def queue_send(pipe: redis.client.Pipeline, channel_id: int, user_id: int, text: str,
               subscribed_since_ms: int, rate: tuple[int, float], now: int) -> None:
    """Queue the ``chat_send`` check of a message on ``pipe`` (its answer: ``verdict``)."""
    keys = [key(channel_id, "rules"), key(channel_id, "bans"), key(channel_id, "mods"),
            key(channel_id, f"slow:{user_id}"), f"{PREFIX}rate:{user_id}", PREFIX + "seq"]
    args = [user_id, now, rate[0], int(rate[1] * 1000), fold(text), subscribed_since_ms]
    SEND.queue(pipe, keys, args)


def verdict(raw: list, now: int) -> Verdict:
    code, value = raw[0], int(raw[1])
    if code == "ok":
        return Verdict("ok", id=message_id(now, value))
    return Verdict(code, wait_ms=max(value, 0))


def json_frame(event: dict) -> str:
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


def publish(client: redis.Redis, channel_id: int, event: dict) -> str:
    """Send an event to every socket of the channel on every process; the JSON text sent."""
    frame = json_frame(event)
    client.publish(EVENTS.format(channel_id), frame)
    return frame


def post(client: redis.Redis, channel_id: int, event: dict) -> None:
    """A message accepted: buffered for the ``stream.chat`` batch, remembered for a deletion,
    published to every socket of the channel (one round trip)."""
    frame = json_frame(event)
    record = json.dumps({"channel_id": channel_id, "user_id": event["user_id"], "id": event["id"],
                         "author": event["author"], "text": event["text"], "sent_at_ms": event["sent_at_ms"]},
                        ensure_ascii=False)
    with client.pipeline(transaction=False) as pipe:
        pipe.xadd(BUFFER, {"m": record})
        pipe.set(f"{PREFIX}msg:{event['id']}", f"{channel_id}:{event['user_id']}", ex=RECENT_SECONDS)
        pipe.publish(EVENTS.format(channel_id), frame)
        pipe.execute()


def recent_author(client: redis.Redis, channel_id: int, msg_id: int) -> int | None:
    """The author of a recent message of this channel (None: not one of its recent messages)."""
    found = client.get(f"{PREFIX}msg:{msg_id}")
    if not found:
        return None
    cid, uid = found.split(":")
    return int(uid) if int(cid) == channel_id else None
