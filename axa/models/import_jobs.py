"""A CSV import job's row (cmc's ``PortfolioImport``, the diary's ``DiaryImport``: a ``status``
of ``queued`` / ``running`` / ``done`` / ``failed``, an ``error`` and a ``finished_at``), claimed
by one worker at a time: a redelivered job, or two copies running at once, import once."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import select, update

log = logging.getLogger(__name__)


def claim(session, model, job_id: int):
    """The job's row, marked running (committed, for its page) then locked for this run; None when
    it is finished or another copy of the job holds it."""
    queued_or_running = model.status.in_(("queued", "running"))
    started = session.execute(update(model).where(model.id == job_id, queued_or_running)
                              .values(status="running")).rowcount
    session.commit()
    locked = select(model).where(model.id == job_id).with_for_update(skip_locked=True)
    job = session.scalar(locked) if started else None
    if job is None or job.status != "running":
        session.rollback()
        return None
    return job


def fail(session, model, job_id: int, exc: Exception) -> None:
    """The job stopped by ``exc``: rolled back, logged, and marked failed with the error's kind."""
    session.rollback()
    log.exception("%s %s failed", model.__tablename__, job_id)
    session.execute(update(model).where(model.id == job_id).values(
        status="failed", error=f"The import stopped: {type(exc).__name__}.", finished_at=datetime.now(UTC)))
    session.commit()
