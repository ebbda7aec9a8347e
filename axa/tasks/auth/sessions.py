"""``auth.sessions.prune_sessions``: drop dead entries from per-user session indexes and
trim the audit trail past its retention."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from celery import shared_task
from sqlalchemy import delete

from axa.models.auth import AuthEvent, db
from axa.platform.auth_hook import session_store

AUDIT_RETENTION = timedelta(days=365)


@shared_task(name="auth.sessions.prune_sessions", soft_time_limit=250, time_limit=300)
def prune_sessions() -> dict:
    store = session_store()
    pruned = 0
    for key in store.redis.scan_iter(match="axa:user:*:sess", count=500):
        pruned += store.prune_index(int(key.split(":")[2]))
    result = db.session.execute(delete(AuthEvent).where(
        AuthEvent.at < datetime.now(UTC) - AUDIT_RETENTION))
    db.session.commit()
    return {"index_entries_pruned": pruned, "audit_rows_trimmed": result.rowcount}
