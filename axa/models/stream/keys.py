"""Stream keys: several per channel, each labelled. The secret is shown once at creation and
stored only as its SHA-256 hash, with a short non-secret prefix for display. A key stops when
revoked, or at ``expires_at`` (a rotated key kept for a grace period).

Redis answers the media server's question "which channel does this presented key publish to?"
without PostgreSQL: ``axa:stream:key:<sha256>`` holds ``<channel id> <expires epoch or 0> <channel slug>``
for a usable key (the slug is fixed at a channel's creation: the ingest hook answers with it),
or ``-`` for a hash PostgreSQL does not know as usable. Create, rotate, revoke and
channel deletion write the entry in step, after their commit; a missing entry is rebuilt from
PostgreSQL on the next lookup, for ``REBUILT_TTL`` seconds (a rebuild that read
PostgreSQL just before a revoke committed cannot keep the key alive longer).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

import redis
from sqlalchemy import BigInteger, DateTime, ForeignKey, String, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stream import db
from axa.models.stream.channels import Channel

KEY_PREFIX = "live_"
DISPLAY_CHARS = 9  # "live_" and 4 characters of the secret: enough to tell keys apart
LABEL_MAX = 100
KEYS_MAX = 20  # working keys per channel a create may reach (a rotation replaces, never adds)
REDIS_KEY = "axa:stream:key:{}"
NEGATIVE = "-"
REBUILT_TTL = 60  # an entry rebuilt on a miss can race a revoke: it lives this long at most
PRESENTED_MAX = 200


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


class StreamKey(db.Model):
    __tablename__ = "stream_keys"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"),
                                            index=True)
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @classmethod
    def issue(cls, channel_id: int, label: str) -> tuple[StreamKey, str]:
        """A new key (added to the session) and its secret, which is never stored."""
        secret = new_secret()
        key = cls(channel_id=channel_id, label=label, key_hash=hash_key(secret),
                  prefix=secret[:DISPLAY_CHARS])
        db.session.add(key)
        return key, secret

    @classmethod
    def usable(cls, now: float):
        """Keys not revoked and not expired at ``now`` (epoch seconds)."""
        at = datetime.fromtimestamp(now, UTC)
        return select(cls).where(cls.revoked_at.is_(None), or_(cls.expires_at.is_(None), cls.expires_at > at))

    @classmethod
    def of_channel(cls, channel_id: int, now: float) -> list[StreamKey]:
        stmt = cls.usable(now).where(cls.channel_id == channel_id).order_by(cls.id)
        return list(db.session.scalars(stmt))

    @classmethod
    def owned(cls, channel_id: int, key_id: int, now: float, lock: bool = False) -> StreamKey | None:
        stmt = cls.usable(now).where(cls.channel_id == channel_id, cls.id == key_id)
        return db.session.scalar(stmt.with_for_update() if lock else stmt)

    def entry(self, slug: str | None = None) -> str:
        expires = self.expires_at.timestamp() if self.expires_at else 0
        slug = slug or db.session.get(Channel, self.channel_id).slug
        return f"{self.channel_id} {expires} {slug}"

    @classmethod
    def channel_of_hash(cls, key_hash: str) -> int | None:
        """The channel a key (usable or not) belongs to: where a stream it started must stop."""
        return db.session.scalar(select(cls.channel_id).where(cls.key_hash == key_hash))


def publish(client: redis.Redis, keys: list[StreamKey]) -> None:
    """Write the keys' Redis entries as PostgreSQL now has them (call after commit)."""
    with client.pipeline() as pipe:
        for key in keys:
            if key.revoked_at is None:
                pipe.set(REDIS_KEY.format(key.key_hash), key.entry())
            else:
                pipe.delete(REDIS_KEY.format(key.key_hash))
        pipe.execute()


def forget(client: redis.Redis, key_hashes: list[str]) -> None:
    if key_hashes:
        client.delete(*(REDIS_KEY.format(h) for h in key_hashes))


def channel_for_key(client: redis.Redis, presented: str, now: float) -> int | None:
    """The id of the channel the presented secret may publish to at ``now``, else None."""
    found = channel_of_key(client, presented, now)
    return found[0] if found else None


def channel_of_key(client: redis.Redis, presented: str, now: float) -> tuple[int, str] | None:
    """The id and slug of the channel the presented secret may publish to at ``now``, else None:
    one Redis read; on a miss, PostgreSQL's answer is written back (a negative one for a while)."""
    if not presented or len(presented) > PRESENTED_MAX:
        return None
    name = REDIS_KEY.format(hash_key(presented))
    entry = client.get(name)
    if isinstance(entry, bytes):
        entry = entry.decode()
    if entry is None or (entry != NEGATIVE and entry.count(" ") != 2):  # unknown, or an older format
        found = db.session.execute(StreamKey.usable(now).with_only_columns(StreamKey, Channel.slug)
                                   .join(Channel, Channel.id == StreamKey.channel_id)
                                   .where(StreamKey.key_hash == hash_key(presented))).first()
        entry = found[0].entry(found[1]) if found else NEGATIVE
        client.set(name, entry, ex=REBUILT_TTL)
    if entry == NEGATIVE:
        return None
    channel_id, expires, slug = entry.split()
    return (int(channel_id), slug) if float(expires) == 0 or float(expires) > now else None
