"""`stocks.sync.upsert_users`: apply user snapshots to the local replica if newer."""
from celery import shared_task
from redis import RedisError
from sqlalchemy.exc import OperationalError

from axa.models.stocks import User


@shared_task(name="stocks.sync.upsert_users", autoretry_for=(OperationalError, RedisError),
             retry_backoff=True, retry_jitter=True, max_retries=8, soft_time_limit=25, time_limit=30)
def upsert_users(snapshots: list[dict]) -> int:
    return User.apply_snapshots(snapshots)
