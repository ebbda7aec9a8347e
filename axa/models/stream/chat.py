"""Chat messages of a channel (issue 11 item 6), as the history shows them.

A message is sent over the channel's WebSocket (axa/blueprints/stream/chat/socket.py), gets its id
at once (``message_id``: milliseconds since 2026 and a Redis counter, so ids grow with time and
are the history's keyset) and is buffered in Redis; the ``stream.chat`` task writes buffered
messages here in batches (axa/tasks/stream/chat.py). A deleted message leaves a tombstone
(``ChatDeletion``): the row is removed, and a message still in the buffer when it is deleted is
never written (the batch skips tombstoned ids; the history hides them too, for the race).
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, delete, exists, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stream import db

TEXT_MAX = 500
AUTHOR_MAX = 100
EPOCH_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
SEQUENCE_BITS = 16


def message_id(now_ms: int, sequence: int) -> int:
    """An id that grows with time: 47 bits of milliseconds since 2026, 16 of a counter."""
    return ((now_ms - EPOCH_MS) << SEQUENCE_BITS) | (sequence & ((1 << SEQUENCE_BITS) - 1))


class ChatMessage(db.Model):
    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_channel_id_id", "channel_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    author: Mapped[str] = mapped_column(String(AUTHOR_MAX))
    text: Mapped[str] = mapped_column(String(TEXT_MAX))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @classmethod
    def history(cls, channel_id: int):
        """The channel's messages (for the keyset page), deleted ones left out."""
        gone = exists().where(ChatDeletion.message_id == cls.id, ChatDeletion.channel_id == channel_id)
        return select(cls).where(cls.channel_id == channel_id, ~gone)

    @classmethod
    def insert_batch(cls, events: list[dict]) -> int:
        """Write buffered message events with one INSERT; ids already written (a batch run twice)
        or deleted meanwhile, and messages of deleted channels, are skipped. How many were new."""
        rows = [{"id": e["id"], "channel_id": e["channel_id"], "user_id": e["user_id"],
                 "author": e["author"][:AUTHOR_MAX], "text": e["text"][:TEXT_MAX],
                 "sent_at": datetime.fromtimestamp(e["sent_at_ms"] / 1000, UTC)} for e in events]
        if not rows:
            return 0
        from axa.models.stream.channels import Channel
        deleted = set(db.session.scalars(select(ChatDeletion.message_id)
                                         .where(ChatDeletion.message_id.in_([r["id"] for r in rows]))))
        channels = set(db.session.scalars(select(Channel.id).where(
            Channel.id.in_({r["channel_id"] for r in rows}))))
        rows = [r for r in rows if r["id"] not in deleted and r["channel_id"] in channels]
        if not rows:
            return 0
        written = db.session.scalars(insert(cls).values(rows).on_conflict_do_nothing(index_elements=["id"])
                                     .returning(cls.id))
        return len(list(written))


class ChatDeletion(db.Model):
    """A deleted message's tombstone: the message stays out of the history even when its row is
    written after the deletion."""
    __tablename__ = "chat_deletions"

    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"))
    deleted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def record(cls, channel_id: int, message_id: int) -> None:
        db.session.execute(insert(cls).values(message_id=message_id, channel_id=channel_id)
                           .on_conflict_do_nothing(index_elements=["message_id"]))
        db.session.execute(delete(ChatMessage).where(ChatMessage.id == message_id,
                                                     ChatMessage.channel_id == channel_id))
