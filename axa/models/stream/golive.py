"""The go-live fan-out's state (issue 11 item 7): which live sessions have had their fan-out
queued, the batches that notify a channel's subscribers, and the ledger of go-live mail sent.

* ``golive_fanouts``: a row once a live session's fan-out is queued (axa/tasks/stream/notify.py
  ``announce``): the live-state task announces every publish of an open session, and only a
  session without a row gets a fan-out, so a reconnect inside the window (the same session) sends
  nothing new, while a fan-out lost between the session's commit and its publish is queued by the
  next publish or ``on_update`` heartbeat. Each batch moves ``resume_after`` (the subscriptions
  done) and ``moved_at``; the last sets ``finished_at``. A fan-out that stopped moving (its chain
  broken: retries exhausted while the database was down, a message dropped as poison) is resumed
  from ``resume_after`` by the beat sweep (``stalled``).
* ``notify_batch``: the notifications of the next subscribers of a channel, by subscription id,
  ``INSERT … SELECT … ON CONFLICT (user_id, live_session_id) DO NOTHING``: a batch run twice adds
  nothing the second time.
* ``sent_mails``: one row per go-live mail sent, by message id (at least once, without doubles
  but for the window between the server's acceptance and the ledger's commit: security.md
  decision 6).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stream import db
from axa.models.stream.channels import Channel
from axa.models.stream.live import LiveSession
from axa.models.stream.notifications import Inbox, Notification
from axa.models.stream.subscriptions import Subscription


class GoLiveFanout(db.Model):
    __tablename__ = "golive_fanouts"
    __table_args__ = (
        Index("ix_golive_fanouts_unfinished", "moved_at", postgresql_where=text("finished_at IS NULL")),
    )

    live_session_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("live_sessions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resume_after: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # subscriptions done
    moved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @classmethod
    def queued(cls, live_session_id: int) -> bool:
        return db.session.get(cls, live_session_id) is not None

    @classmethod
    def note_queued(cls, live_session_id: int) -> None:
        db.session.execute(insert(cls).values(live_session_id=live_session_id).on_conflict_do_nothing())

    @classmethod
    def progress(cls, live_session_id: int, last: int | None) -> None:
        """A batch done up to subscription ``last`` (None: the last batch, the fan-out finished);
        the row is written if the batch ran before the note, and only ever moves forward."""
        stmt = insert(cls).values(live_session_id=live_session_id, resume_after=last or 0,
                                  finished_at=func.now() if last is None else None)
        db.session.execute(stmt.on_conflict_do_update(index_elements=["live_session_id"], set_={
            "resume_after": func.greatest(cls.resume_after, stmt.excluded.resume_after),
            "moved_at": func.now(),
            "finished_at": func.coalesce(cls.finished_at, stmt.excluded.finished_at)}))

    @classmethod
    def stalled(cls, seconds: float, limit: int = 100) -> list[tuple[int, int]]:
        """(session id, resume after) of unfinished fan-outs that have not moved for ``seconds``,
        each marked moved now (a sweep requeues one once per period)."""
        picked = (select(cls.live_session_id)
                  .where(cls.finished_at.is_(None), cls.moved_at < func.now() - timedelta(seconds=seconds))
                  .order_by(cls.moved_at).limit(limit).with_for_update(skip_locked=True))
        stmt = (update(cls).where(cls.live_session_id.in_(picked)).values(moved_at=func.now())
                .returning(cls.live_session_id, cls.resume_after))
        return [tuple(row) for row in db.session.execute(stmt).all()]


class SentMail(db.Model):
    __tablename__ = "sent_mails"

    message_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def already_sent(cls, message_id: str) -> bool:
        """Whether the message was sent, the message held until this transaction ends: two
        deliveries of one message at once (a duplicated batch) send it once, one after the other."""
        db.session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(message_id, 0))))
        return db.session.get(cls, message_id) is not None


def target(live_session_id: int) -> tuple[int, int] | None:
    """The (channel id, owner's user id) of a live session, None once it is gone."""
    stmt = (select(Channel.id, Channel.user_id).join(LiveSession, LiveSession.channel_id == Channel.id)
            .where(LiveSession.id == live_session_id))
    row = db.session.execute(stmt).first()
    return (row[0], row[1]) if row else None


def notify_batch(live_session_id: int, channel_id: int, owner_id: int, after_id: int,
                 size: int) -> tuple[int | None, list[int]]:
    """Notify the channel's next ``size`` subscriptions after ``after_id`` (the owner excepted)
    of the live session: the last subscription id of the batch (None when it was the last
    batch), and the users of the batch who want mail."""
    subs = Subscription.__table__.c
    last = db.session.scalar(select(subs.id).where(subs.channel_id == channel_id, subs.id > after_id)
                             .order_by(subs.id).offset(size - 1).limit(1))
    batch = [subs.channel_id == channel_id, subs.id > after_id, subs.user_id != owner_id]
    if last is not None:
        batch.append(subs.id <= last)
    rows = select(subs.user_id, literal("go_live"), literal(channel_id, BigInteger),
                  literal(live_session_id, BigInteger)).where(*batch)
    db.session.execute(insert(Notification).from_select(
        ["user_id", "kind", "channel_id", "live_session_id"], rows)
        .on_conflict_do_nothing(index_elements=["user_id", "live_session_id"]))
    inbox = Inbox.__table__.c
    mail = select(subs.user_id).join(Inbox, inbox.user_id == subs.user_id).where(
        *batch, inbox.go_live_mail.is_(True)).order_by(subs.user_id)
    return last, list(db.session.scalars(mail))
