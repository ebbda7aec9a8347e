"""``socweb.sync.upsert_users``: the socweb replica of the users kept current (DESIGN.md §5)."""
from celery import shared_task
from redis import RedisError
from sqlalchemy.exc import OperationalError

from axa.models.socweb import User


@shared_task(name="socweb.sync.upsert_users", autoretry_for=(OperationalError, RedisError),
             retry_backoff=True, retry_jitter=True, max_retries=8, soft_time_limit=25, time_limit=30)
def upsert_users(snapshots: list[dict]) -> int:
    """Apply user snapshots (from ``auth.sync.fan_out_user``) where their version is newer."""
    return User.apply_snapshots(snapshots)
