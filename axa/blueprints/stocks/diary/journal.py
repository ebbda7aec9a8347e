"""What the journal endpoints do: tag groups and tags (the user's, for all their diary accounts),
tags on trades, notes per trade and per day, and what a trade shows of them.

A trade is named by its ``id``: the id of its opening execution (models/stocks/journal.py). One
that is not the opening execution of a trade of the account now answers 404."""
from __future__ import annotations

from collections import defaultdict

from flask_smorest import abort
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from axa.blueprints import owned
from axa.blueprints.stocks.diary import excursions, fifo, presenter
from axa.models.stocks import (
    DiaryAccount,
    DiaryExcursion,
    DiaryExecution,
    DiaryTag,
    DiaryTagGroup,
    DiaryTradeNote,
    DiaryTradeTag,
    db,
)

GROUPS_MAX = 50  # per user
TAGS_MAX = 500  # per user
TAGS_PER_TRADE_MAX = 20
NO_TRADE = "No such trade in this diary account (a trade's id is its opening execution's id)."


def create_group(user_id: int, name: str) -> DiaryTagGroup:
    owned.within_limit(DiaryTagGroup, user_id, lambda: DiaryTagGroup.count_of(user_id), GROUPS_MAX,
                       f"You have {GROUPS_MAX} tag groups, the most allowed; delete one first.",
                       "group_limit")
    owned.name_free(DiaryTagGroup, user_id, name, "a tag group")
    group = DiaryTagGroup(user_id=user_id, name=name)
    db.session.add(group)
    db.session.commit()
    return group


def tag_name_free(group_id: int, name: str) -> None:
    """409 ``duplicate_name`` when the group has a tag of that name (under the user's lock)."""
    if db.session.scalar(select(DiaryTag.id).where(DiaryTag.group_id == group_id, DiaryTag.name == name)):
        abort(409, message="This group already has a tag with this name.", reason="duplicate_name")


def create_tag(user_id: int, group_id: int, name: str) -> DiaryTag:
    owned.within_limit(DiaryTag, user_id, lambda: DiaryTag.count_of(user_id), TAGS_MAX,
                       f"You have {TAGS_MAX} tags, the most allowed; delete one first.", "tag_limit")
    group = owned.owned_or_404(DiaryTagGroup, user_id, group_id, "No such tag group of yours.")
    tag_name_free(group.id, name)
    tag = DiaryTag(user_id=user_id, group_id=group.id, name=name)
    db.session.add(tag)
    db.session.commit()
    return tag


def rename_group(user_id: int, group_id: int, name: str) -> DiaryTagGroup:
    group = owned.owned_or_404(DiaryTagGroup, user_id, group_id, "No such tag group of yours.")
    if owned.new_name_free(DiaryTagGroup, group, name, "a tag group"):
        group.name = name
        db.session.commit()
    return group


def rename_tag(user_id: int, tag_id: int, name: str) -> DiaryTag:
    """The tag's new name, on every trade it is on (and in the reports) at once."""
    tag = owned.owned_or_404(DiaryTag, user_id, tag_id, "No such tag of yours.")
    if name != tag.name:
        DiaryTag.lock_user(user_id)
        tag_name_free(tag.group_id, name)
        tag.name = name
        db.session.commit()
    return tag


def group_names(ids) -> dict[int, str]:
    ids = set(ids)
    return dict(db.session.execute(select(DiaryTagGroup.id, DiaryTagGroup.name)
                                   .where(DiaryTagGroup.id.in_(ids))).all()) if ids else {}


def trade_or_404(account: DiaryAccount, trade_id: int) -> fifo.Trade:
    symbol = db.session.scalar(select(DiaryExecution.symbol).where(DiaryExecution.id == trade_id,
                                                                   DiaryExecution.account_id == account.id))
    if symbol is not None:
        for trade in excursions.account_trades(account.id, [symbol]):
            if trade.execution_ids[0] == trade_id:
                return trade
    abort(404, message=NO_TRADE)


def attach(account: DiaryAccount, trade_id: int, tag: DiaryTag) -> None:
    """The account must be locked (the per-trade limit stays exact)."""
    count = db.session.scalar(select(func.count()).select_from(DiaryTradeTag)
                              .where(DiaryTradeTag.trade_id == trade_id))
    if count >= TAGS_PER_TRADE_MAX:
        abort(409, message=f"This trade has {TAGS_PER_TRADE_MAX} tags, the most allowed.", reason="tag_limit")
    db.session.execute(insert(DiaryTradeTag).values(trade_id=trade_id, tag_id=tag.id, account_id=account.id)
                       .on_conflict_do_nothing())
    db.session.commit()


def detach(trade_id: int, tag_id: int) -> None:
    db.session.execute(delete(DiaryTradeTag).where(DiaryTradeTag.trade_id == trade_id,
                                                   DiaryTradeTag.tag_id == tag_id))
    db.session.commit()


def put_note(model, keys: dict, text: str):
    """Create or replace the note of ``keys`` (a trade or a day)."""
    index = ["trade_id"] if "trade_id" in keys else ["account_id", "day"]
    stmt = (insert(model).values(**keys, text=text)
            .on_conflict_do_update(index_elements=index, set_={"text": text, "updated_at": func.now()})
            .returning(model.id))
    row_id = db.session.scalar(stmt)
    db.session.commit()
    return db.session.get(model, row_id, populate_existing=True)


def note_or_404(model, *where):
    row = db.session.scalar(select(model).where(*where))
    if row is None:
        abort(404, message="No note here.")
    return row


def tags_of(trade_ids) -> dict[int, list[DiaryTag]]:
    """The tags of each trade, by group then name."""
    found: dict[int, list[DiaryTag]] = defaultdict(list)
    ids = list(trade_ids)
    if ids:
        stmt = (select(DiaryTradeTag.trade_id, DiaryTag).join(DiaryTag, DiaryTag.id == DiaryTradeTag.tag_id)
                .where(DiaryTradeTag.trade_id.in_(ids)).order_by(DiaryTag.group_id, DiaryTag.name))
        for trade_id, tag in db.session.execute(stmt).all():
            found[trade_id].append(tag)
    return found


def tag_dict(tag: DiaryTag, groups: dict[int, str]) -> dict:
    return {"id": tag.id, "group_id": tag.group_id, "group": groups.get(tag.group_id), "name": tag.name,
            "created_at": tag.created_at}


def decorate(rows: list[dict], trades: list[fifo.Trade]) -> list[dict]:
    """The trades' dicts with their tags, whether they have a note, and their excursions."""
    ids = [t.execution_ids[0] for t in trades]
    tags = tags_of(ids)
    groups = group_names(tag.group_id for found in tags.values() for tag in found)
    noted = set(db.session.scalars(select(DiaryTradeNote.trade_id).where(DiaryTradeNote.trade_id.in_(ids)))) \
        if ids else set()
    stored = {r.trade_id: r for r in db.session.scalars(
        select(DiaryExcursion).where(DiaryExcursion.trade_id.in_(ids)))} if ids else {}
    for row, trade in zip(rows, trades, strict=True):
        key = trade.execution_ids[0]
        row.update(id=key, tags=[tag_dict(t, groups) for t in tags.get(key, [])], has_note=key in noted,
                   excursion=presenter.plain_tree(excursions.shown(stored.get(key), trade)))
    return rows


def labels_of(account_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """For the reports: the tags of the accounts' trades as (tag id, "group/name") per trade."""
    stmt = (select(DiaryTradeTag.trade_id, DiaryTag.id, DiaryTagGroup.name, DiaryTag.name)
            .join(DiaryTag, DiaryTag.id == DiaryTradeTag.tag_id)
            .join(DiaryTagGroup, DiaryTagGroup.id == DiaryTag.group_id)
            .where(DiaryTradeTag.account_id.in_(account_ids)))
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for trade_id, tag_id, group, name in db.session.execute(stmt):
        found[trade_id].append((tag_id, f"{group}/{name}"))
    return found
