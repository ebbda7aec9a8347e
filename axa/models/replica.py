"""The ``users`` replica every non-auth subsystem keeps, fed by user sync, and its Redis copy.

Rows are upserted only when the snapshot's version is newer than the stored one.

The Redis copy (``axa:replica:<subsystem>:<uid>``, a hash with the row's fields and ``version``)
lets ``/api/v1/me`` answer from the session check's own round trip. It only ever holds a version
PostgreSQL has committed, and a version only ever replaces an older one:

* after its commit, ``apply_snapshots`` reads back the rows of its batch and writes each one
  into the cache if the user is cached (a full entry or a fill lease) and the version is newer;
* a request that misses (the session script leaves a fill lease) reads PostgreSQL and fills the
  entry under the same rule, and only while the lease or an entry is still there.

A reader that read an old row before a sync committed therefore cannot overwrite the newer entry,
and a sync that ran before the miss is seen by the read that follows it. Entries expire after
``CACHE_SECONDS``, which also bounds staleness if a sync's cache write failed for good (a failed
write fails the task, whose retry reads back and writes again). Memory is bounded by the users
active within that time.
"""
from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import redis
from flask import current_app
from sqlalchemy import BigInteger, DateTime, Integer, String, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.base import db_of, session_of
from axa.platform.lua import LuaScript, in_one_round_trip
from axa.platform.redis_client import get_redis

log = logging.getLogger(__name__)
CACHE_SECONDS = 3600
LEASE_SECONDS = 30  # how long a cache miss holds its fill lease
FIELDS = ("id", "email", "display_name", "status", "version", "synced_at")
PREFIX = "axa:replica:{subsystem}:"
PUT = LuaScript(__file__, "replica_put")
ROW = LuaScript(__file__, "replica_row")


def cache_key(subsystem: str, user_id: int) -> str:
    return PREFIX.format(subsystem=subsystem) + str(user_id)


def queue_row(pipe, session_key: str, subsystem: str) -> None:
    """Queue the read of the session's user's cached row (``replica_row.lua``) on ``pipe``, to go
    in the session check's round trip; ``from_cache`` reads its result."""
    ROW.queue(pipe, [session_key], [PREFIX.format(subsystem=subsystem), LEASE_SECONDS, time.time()])


def _cache_args(row) -> list:
    values = {"id": row.id, "email": row.email, "display_name": row.display_name,
              "status": row.status, "version": row.version, "synced_at": row.synced_at.isoformat()}
    return [CACHE_SECONDS, row.version, *(item for name in FIELDS for item in (name, values[name]))]


def cache_put(rows) -> int:
    """Write committed rows into the cache of the current subsystem (one round trip)."""
    if not rows:
        return 0
    subsystem = current_app.config["AXA_SUBSYSTEM"]

    def queue(pipe) -> None:
        for row in rows:
            PUT.queue(pipe, [cache_key(subsystem, row.id)], _cache_args(row))
    return sum(in_one_round_trip(get_redis(), queue))


def from_cache(fields: list | None) -> dict | None:
    """The ``to_dict`` shape as JSON types from the raw hash fields the session check returned, or
    None."""
    if not fields:
        return None
    row = dict(zip(fields[::2], fields[1::2], strict=True))
    if "version" not in row:  # only a fill lease
        return None
    return {"id": int(row["id"]), "email": row["email"], "display_name": row["display_name"],
            "status": row["status"], "version": int(row["version"]),
            "synced_at": row["synced_at"]}  # the ISO text to_dict's datetime is cached as


class UserReplicaTable:
    """``users``: a subsystem's replica of the global users (``class User(UserReplicaTable, db.Model)``)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    email: Mapped[str] = mapped_column(String(320))
    display_name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))
    roles: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer)
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def to_dict(self) -> dict:
        return {"id": self.id, "email": self.email, "display_name": self.display_name,
                "status": self.status, "version": self.version, "synced_at": self.synced_at}

    @classmethod
    def read_through(cls, user_id: int) -> dict | None:
        """A cache miss: the row from PostgreSQL (autocommit, no transaction), filled back."""
        table = cls.__table__
        query = select(*(table.c[name] for name in FIELDS)).where(table.c.id == user_id)
        with db_of(cls).engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        try:
            cache_put([row])
        except redis.RedisError as exc:  # the fill is an optimisation; the answer stands
            log.warning("replica cache fill failed: %s", type(exc).__name__)
        return dict(row._mapping)

    @classmethod
    def apply_snapshots(cls, snapshots: list[dict]) -> int:
        """Bulk upsert-if-newer, then refresh the cache; returns how many rows changed."""
        if not snapshots:
            return 0
        newest: dict[int, dict] = {}
        for snap in snapshots:
            if snap["id"] not in newest or snap["version"] > newest[snap["id"]]["version"]:
                newest[snap["id"]] = snap
        rows = [{"id": s["id"], "email": s["email"], "display_name": s["display_name"],
                 "status": s["status"], "roles": ",".join(s.get("roles", [])),
                 "version": s["version"], "synced_at": datetime.now(UTC)}
                for s in newest.values()]
        stmt = insert(cls.__table__).values(rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=["id"],
            set_={c: stmt.excluded[c] for c in ("email", "display_name", "status", "roles",
                                                "version", "synced_at")},
            where=cls.__table__.c.version < stmt.excluded.version)
        result = session_of(cls).execute(stmt, execution_options={"preserve_rowcount": True})
        session_of(cls).commit()
        table = cls.__table__
        cache_put(session_of(cls).execute(select(*(table.c[name] for name in FIELDS))
                                     .where(table.c.id.in_(newest))).all())
        session_of(cls).commit()
        return result.rowcount
