"""``stocks.diary.record_fill`` on the ``stocks.diary`` queue: each fill of the trading terminal
(relayed from its outbox by axa/tasks/terminal/diary.py) recorded as an execution of the diary.

A paper account appears as a diary account of the same user on its first fill: named after the
paper account (a name the user already gave a diary account gets `` (paper <id>)``), source
``terminal``, read-only to manual entry and imports, linked by ``DiaryTerminalLink``. The
execution's fingerprint is the fill's id (``terminal_fingerprint``), inserted ON CONFLICT DO
NOTHING: a redelivered or republished fill adds nothing. Terminal accounts are not counted
against the per-user limit of diary accounts (the terminal has its own)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from celery import shared_task
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError

from axa.models.stocks import DiaryAccount, DiaryExecution, DiaryTerminalLink, db
from axa.models.stocks.diary import NAME_MAX, SYMBOL_MAX
from axa.models.stocks.diary_sources import terminal_fingerprint

TRANSIENT = {"autoretry_for": (OperationalError,), "retry_backoff": True, "retry_jitter": True,
             "max_retries": 8}


def _free_name(user_id: int, wanted: str, terminal_account_id: int) -> str:
    for name in (wanted, f"{wanted[:NAME_MAX - 24]} (paper {terminal_account_id})",
                 f"Paper account {terminal_account_id}"):
        if DiaryAccount.named(user_id, name) is None:
            return name
    return f"Paper account {terminal_account_id} ({datetime.now().timestamp():.0f})"


def mirror_account(fill: dict) -> int:
    """The diary account of the fill's paper account, created (under the per-user lock) if new."""
    link = db.session.get(DiaryTerminalLink, fill["account_id"])
    if link is not None:
        return link.diary_account_id
    DiaryAccount.lock_user(fill["user_id"])
    link = db.session.get(DiaryTerminalLink, fill["account_id"], populate_existing=True)
    if link is not None:
        return link.diary_account_id
    name = _free_name(fill["user_id"], fill["account_name"].strip()[:NAME_MAX] or "Paper", fill["account_id"])
    account = DiaryAccount(user_id=fill["user_id"], name=name, source="terminal")
    db.session.add(account)
    db.session.flush()
    db.session.add(DiaryTerminalLink(terminal_account_id=fill["account_id"], diary_account_id=account.id))
    db.session.flush()
    return account.id


def record(fill: dict) -> bool:
    """Record one fill (its own transaction); False when the diary already holds it."""
    account_id = mirror_account(fill)
    stmt = (insert(DiaryExecution).values(
        account_id=account_id, symbol=fill["symbol"].upper()[:SYMBOL_MAX], side=fill["side"],
        quantity=Decimal(fill["quantity"]), price=Decimal(fill["price"]), fee=Decimal(fill["fee"]),
        executed_at=datetime.fromisoformat(fill["executed_at"]),
        fingerprint=terminal_fingerprint(fill["fill_id"]))
        .on_conflict_do_nothing(constraint="uq_diary_executions_account_fingerprint")
        .returning(DiaryExecution.id))
    added = db.session.scalar(stmt) is not None
    if added:
        db.session.get(DiaryAccount, account_id).touch()
    db.session.commit()
    if added:  # its trade's MFE/MAE counted again (stocks.journal)
        from axa.tasks.stocks.journal import trades_changed  # it imports the blueprints, which import this
        trades_changed(account_id, [fill["symbol"].upper()[:SYMBOL_MAX]])
    return added


@shared_task(name="stocks.diary.record_fill", soft_time_limit=25, time_limit=30, **TRANSIENT)
def record_fill(fill: dict) -> bool:
    """One terminal fill (``DiaryOutbox.row``'s payload) into the diary, once."""
    return record(fill)
