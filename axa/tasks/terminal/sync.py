"""`terminal.sync.upsert_users`: apply user snapshots to the local replica if newer."""
from celery import shared_task

from axa.models.terminal import User


@shared_task(name="terminal.sync.upsert_users", soft_time_limit=25, time_limit=30)
def upsert_users(snapshots: list[dict]) -> int:
    return User.apply_snapshots(snapshots)
