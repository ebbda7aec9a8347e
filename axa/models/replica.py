"""The ``users`` replica every non-auth subsystem keeps, fed by user sync.

Rows are upserted only when the snapshot's version is newer than the stored one.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column


def define_user_replica(db):
    class User(db.Model):
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
        def apply_snapshots(cls, snapshots: list[dict]) -> int:
            """Bulk upsert-if-newer; returns how many rows changed."""
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
            result = db.session.execute(stmt, execution_options={"preserve_rowcount": True})
            db.session.commit()
            return result.rowcount

    return User
