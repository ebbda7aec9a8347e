"""What the diary endpoints do: the owner's checks and limits, executions stored once per
fingerprint, and trades grouped from the executions by FIFO (fifo.py) on each read."""
from __future__ import annotations

from itertools import groupby

from flask_smorest import abort
from sqlalchemy.dialects.postgresql import insert

from axa.blueprints import owned
from axa.blueprints.stocks.diary import fifo
from axa.models.stocks import DiaryAccount, DiaryExecution, db
from axa.models.stocks.diary import fingerprint_of
from axa.tasks.stocks import journal as journal_tasks  # a module: the task module imports this package

ACCOUNTS_MAX = 20  # per user
EXECUTIONS_MAX = 50_000  # per account: its trades are grouped from them on each read
NOT_FOUND = "No such diary account."


def owned_or_404(user_id: int, account_id: int, lock: bool = False) -> DiaryAccount:
    return owned.owned_or_404(DiaryAccount, user_id, account_id, NOT_FOUND, lock)


def create(user_id: int, data: dict) -> DiaryAccount:
    owned.within_limit(DiaryAccount, user_id, lambda: DiaryAccount.count_of(user_id), ACCOUNTS_MAX,
                       f"You have {ACCOUNTS_MAX} diary accounts, the most allowed; delete one first.",
                       "account_limit")
    owned.name_free(DiaryAccount, user_id, data["name"], "a diary account")
    account = DiaryAccount(user_id=user_id, name=data["name"], source=data["source"])
    db.session.add(account)
    db.session.commit()
    return account


def rename(account: DiaryAccount, name: str) -> DiaryAccount:
    if owned.new_name_free(DiaryAccount, account, name, "a diary account"):
        account.name = name
        account.touch()
    db.session.commit()
    return account


def writable(account: DiaryAccount) -> None:
    """409 ``read_only_account`` for an account mirroring a paper account (its fills only)."""
    if account.source == "terminal":
        abort(409, message="This account mirrors a paper account of the terminal: its executions are "
                           "the terminal's fills, not entered nor imported.", reason="read_only_account")


def record(account: DiaryAccount, data: dict) -> DiaryExecution:
    """Store an execution unless the account holds one with the same fingerprint (409); the account
    must be locked (the limit stays exact)."""
    writable(account)
    if DiaryExecution.count_in(account.id) >= EXECUTIONS_MAX:
        abort(409, message=f"This account holds {EXECUTIONS_MAX} executions, the most allowed.",
              reason="execution_limit")
    fields = {k: data.get(k) for k in ("symbol", "side", "quantity", "price", "fee", "executed_at",
                                       "initial_risk")}
    fingerprint = fingerprint_of(*(fields[k] for k in ("symbol", "side", "quantity", "price", "fee",
                                                      "executed_at")))
    stmt = (insert(DiaryExecution).values(account_id=account.id, fingerprint=fingerprint, **fields)
            .on_conflict_do_nothing(constraint="uq_diary_executions_account_fingerprint")
            .returning(DiaryExecution.id))
    new_id = db.session.scalar(stmt)
    if new_id is None:
        db.session.rollback()
        abort(409, message="This account already holds this execution (same symbol, side, quantity, "
                           "price, fee and time).", reason="duplicate_execution")
    account.touch()
    db.session.commit()
    journal_tasks.trades_changed(account.id, [fields["symbol"]])  # their excursions (journal)
    return db.session.get(DiaryExecution, new_id)


def trades(account: DiaryAccount, query: dict) -> list[fifo.Trade]:
    """The account's trades (of ``symbol``), grouped over all their history then filtered by the
    UTC day they opened, newest entry first."""
    executions = DiaryExecution.in_time_order(account.id, query.get("symbol"))
    found: list[fifo.Trade] = []
    for symbol, rows in groupby(executions, key=lambda e: e.symbol):
        found.extend(fifo.group(symbol, (fifo.Execution(e.id, e.side, e.quantity, e.price, e.fee,
                                                         e.executed_at, e.initial_risk) for e in rows)))
    start, end = query.get("start"), query.get("end")
    kept = [t for t in found if (start is None or t.entry_at.date() >= start)
            and (end is None or t.entry_at.date() <= end)]
    kept.sort(key=lambda t: (t.entry_at, t.execution_ids[0]), reverse=True)
    return kept
