"""The daily digest's time zones: each user's zone for socweb mail (an IANA name, UTC when none is
set), and one row per (time zone, local day) whose digests were dispatched, for operators.

The per-user row in ``notification_digests`` (user, local day) stays the source of truth for what
was sent; a ``digest_dispatches`` row only says that a zone's day was handed out (``dispatched_at``)
and, once every batch has run, that it is done (``done_at``, with the digests counted then from
``notification_digests``). A row left undone past ``STALE`` (a worker or broker lost a batch, so the
chord's callback never ran) is dispatched again: the users still owed get their digest, nobody
gets two.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import available_timezones

from sqlalchemy import BigInteger, Date, DateTime, Integer, String, func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.socweb import db
from axa.models.socweb.notify_mail import NotificationDigest

DEFAULT_ZONE = "UTC"
ZONE_MAX = 64  # the longest IANA name is 32 characters
STALE = timedelta(hours=1)  # a dispatch not done by then is dispatched again


@cache
def known_zones() -> frozenset[str]:
    """The IANA names this machine's time zone database knows (validation: never a path), less
    the system's own aliases that are no IANA zone."""
    return frozenset(available_timezones() - {"localtime", "posixrules", "Factory"})


class NotificationSetting(db.Model):
    """A user's settings for socweb mail beyond the per-type modes: their time zone."""
    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    time_zone: Mapped[str] = mapped_column(String(ZONE_MAX))

    @classmethod
    def zone_of(cls, user_id: int) -> str:
        return db.session.scalar(select(cls.time_zone).where(cls.user_id == user_id)) or DEFAULT_ZONE

    @classmethod
    def set_zone(cls, user_id: int, zone: str) -> None:
        """Not committed."""
        stmt = insert(cls).values(user_id=user_id, time_zone=zone)
        db.session.execute(stmt.on_conflict_do_update(index_elements=["user_id"], set_={"time_zone": zone}))

    @classmethod
    def zones(cls) -> list[str]:
        """Every zone some user chose, and UTC (everyone else's)."""
        return sorted(set(db.session.scalars(select(cls.time_zone).distinct())) | {DEFAULT_ZONE})


def zone_of_column(user_id_column):
    """A SQL expression: the user's time zone, UTC when they chose none."""
    chosen = (select(NotificationSetting.time_zone)
              .where(NotificationSetting.user_id == user_id_column).scalar_subquery())
    return func.coalesce(chosen, literal(DEFAULT_ZONE))


class DigestDispatch(db.Model):
    """One zone's local day of digests: dispatched (a chord of batches), then done (its callback)."""
    __tablename__ = "digest_dispatches"

    time_zone: Mapped[str] = mapped_column(String(ZONE_MAX), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    users: Mapped[int] = mapped_column(Integer)  # owed a digest at the last dispatch
    batches: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer)
    dispatched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    digests: Mapped[int | None] = mapped_column(Integer)  # digest rows of the zone's users that day

    @classmethod
    def pending(cls, zone: str, day: date, now: datetime) -> bool:
        """Not done, and not handed out within ``STALE`` (a chord still running)."""
        row = db.session.get(cls, (zone, day))
        return row is None or (row.done_at is None and row.dispatched_at <= now - STALE)

    @classmethod
    def dispatched(cls, zone: str, day: date, users: int, batches: int, now: datetime) -> None:
        """Record a dispatch (not committed)."""
        stmt = insert(cls).values(time_zone=zone, day=day, users=users, batches=batches, attempts=1,
                                  dispatched_at=now, done_at=None, digests=None)
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=["time_zone", "day"],
            set_={"users": users, "batches": batches, "attempts": cls.attempts + 1, "dispatched_at": now}))

    @classmethod
    def done(cls, zone: str, day: date, now: datetime, users: int = 0) -> int:
        """Mark the zone's day done, counting its digests from the per-user rows (not committed).

        ``users`` is for a day nobody was owed a digest (no row yet); a row's own count stays."""
        digests = db.session.scalar(select(func.count()).select_from(NotificationDigest).where(
            NotificationDigest.day == day, zone_of_column(NotificationDigest.user_id) == zone))
        stmt = insert(cls).values(time_zone=zone, day=day, users=users, batches=0, attempts=0,
                                  dispatched_at=now, done_at=now, digests=digests)
        db.session.execute(stmt.on_conflict_do_update(index_elements=["time_zone", "day"],
                                                      set_={"done_at": now, "digests": digests}))
        return digests
