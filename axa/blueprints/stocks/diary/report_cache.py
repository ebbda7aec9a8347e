"""The diary's reports, cached in Redis under the state of what they are computed from.

A report is a function of its accounts' executions, the tags on their trades and the query. The
key holds the query and that state, read by one small SQL statement (per account set: the count and
the highest id of the executions, the count and the newest time of the trade tags, a digest of
the names of the tags in use), so a new
execution, however it arrived (by hand, an import, a terminal fill), a tag put on or taken off, or
a tag renamed makes a new key: the next read computes afresh. Nothing to invalidate, nothing stale;
old keys expire.
Redis not answering: the report is computed, as without a cache."""
from __future__ import annotations

import hashlib
import json
import logging
from datetime import date
from decimal import Decimal

from redis import RedisError
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from axa.models.stocks import DiaryExecution, DiaryTag, DiaryTagGroup, DiaryTradeTag, db
from axa.platform.redis_client import get_redis

log = logging.getLogger(__name__)
TTL = 3600  # seconds


def state(account_ids: list[int]) -> list:
    e, t, tag, group = DiaryExecution, DiaryTradeTag, DiaryTag, DiaryTagGroup
    mine, tagged = e.account_id.in_(account_ids), t.account_id.in_(account_ids)
    labels = (select(func.md5(func.string_agg(group.name + "/" + tag.name, aggregate_order_by(",", tag.id))))
              .select_from(tag).join(group, group.id == tag.group_id)
              .where(tag.id.in_(select(t.tag_id).where(tagged))))  # a renamed tag or group: a new key
    row = db.session.execute(select(select(func.count()).select_from(e).where(mine).scalar_subquery(),
                                    select(func.max(e.id)).where(mine).scalar_subquery(),
                                    select(func.count()).select_from(t).where(tagged).scalar_subquery(),
                                    select(func.max(t.created_at)).where(tagged).scalar_subquery(),
                                    labels.scalar_subquery())).one()
    return [str(v) for v in row]


def key_of(account_ids: list[int], args: dict) -> str:
    query = {k: str(args.get(k)) for k in ("symbol", "start", "end")}
    text = json.dumps([sorted(account_ids), query, state(account_ids)])
    return "axa:stocks:diary:report:" + hashlib.sha256(text.encode()).hexdigest()


def _encode(value):
    if isinstance(value, Decimal):
        return {"d": f"{value:f}"}
    if isinstance(value, date):
        return {"day": value.isoformat()}
    raise TypeError(type(value))


def _decode(obj: dict):
    if obj.keys() == {"d"}:
        return Decimal(obj["d"])
    if obj.keys() == {"day"}:
        return date.fromisoformat(obj["day"])
    return obj


def cached(account_ids: list[int], args: dict, compute) -> dict:
    """The report of ``compute()`` for the accounts and query, from Redis when it has it."""
    try:
        key, redis = key_of(account_ids, args), get_redis()
        found = redis.get(key)
        if found is not None:
            return json.loads(found, object_hook=_decode)
    except RedisError as exc:
        log.warning("diary report cache unavailable: %s", exc)
        return compute()
    report = compute()
    try:
        redis.set(key, json.dumps(report, default=_encode), ex=TTL)
    except RedisError as exc:
        log.warning("diary report not cached: %s", exc)
    return report
