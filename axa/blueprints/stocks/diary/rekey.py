"""Journal rows follow their trade when the executions are grouped anew.

A trade's journal rows (its tags, its note, its excursions) are keyed on its opening execution
(axa/models/stocks/journal.py). An execution added later but dated before them can change how the
executions group: the one that opened a trade may then sit inside another trade (a buy dated
earlier opens it; the old opening buy scales in), or two trades may become one. ``follow`` moves
such rows to the opening execution of the trade that now holds their execution: tags merged, a note
appended to the one already there (cut at the note limit), excursions dropped (the refresh that
calls it computes the trade's again). Called by the ``stocks.journal`` refresh that every new
execution announces (axa/blueprints/stocks/diary/excursions.py), in its transaction; running it
again changes nothing."""
from __future__ import annotations

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert

from axa.blueprints.stocks.diary import fifo
from axa.models.stocks import DiaryExcursion, DiaryTradeNote, DiaryTradeTag, db
from axa.models.stocks.journal import NOTE_MAX

NOTE_JOIN = "\n\n"


def follow(account_id: int, trades: list[fifo.Trade]) -> int:
    """Move the journal rows of executions that no longer open a trade (of ``trades``, the
    account's trades as grouped now) to the opening execution of their trade; the rows moved."""
    openers = {trade.execution_ids[0] for trade in trades}  # a flip closes one trade and opens the next
    opening = {later: trade.execution_ids[0] for trade in trades for later in trade.execution_ids[1:]
               if later not in openers}
    if not opening:
        return 0
    return _tags(account_id, opening) + _notes(account_id, opening) + _excursions(account_id, opening)


def _tags(account_id: int, opening: dict[int, int]) -> int:
    stray = [(trade_id, tag_id) for trade_id, tag_id in db.session.execute(
        select(DiaryTradeTag.trade_id, DiaryTradeTag.tag_id).where(DiaryTradeTag.account_id == account_id))
        if trade_id in opening]
    if stray:
        db.session.execute(insert(DiaryTradeTag).values(
            [{"trade_id": opening[trade_id], "tag_id": tag_id, "account_id": account_id}
             for trade_id, tag_id in stray]).on_conflict_do_nothing())
        db.session.execute(delete(DiaryTradeTag).where(
            tuple_(DiaryTradeTag.trade_id, DiaryTradeTag.tag_id).in_(stray)))
    return len(stray)


def _notes(account_id: int, opening: dict[int, int]) -> int:
    notes = db.session.scalars(select(DiaryTradeNote).where(DiaryTradeNote.account_id == account_id)
                               .order_by(DiaryTradeNote.id)).all()
    by_trade, moved = {note.trade_id: note for note in notes}, 0
    for note in notes:
        if note.trade_id not in opening:
            continue
        target = by_trade.get(opening[note.trade_id])
        del by_trade[note.trade_id]
        if target is None:  # the trade had no note: this one is its note now
            note.trade_id = opening[note.trade_id]
            by_trade[note.trade_id] = note
        else:  # the older note first, as they were written
            target.text = (target.text + NOTE_JOIN + note.text)[:NOTE_MAX]
            target.updated_at = func.now()
            db.session.delete(note)
        moved += 1
    db.session.flush()
    return moved


def _excursions(account_id: int, opening: dict[int, int]) -> int:
    of_account = select(DiaryExcursion.trade_id).where(DiaryExcursion.account_id == account_id)
    stored = db.session.scalars(of_account)
    stale = [trade_id for trade_id in stored if trade_id in opening]
    if stale:
        db.session.execute(delete(DiaryExcursion).where(DiaryExcursion.trade_id.in_(stale)))
    return len(stale)
