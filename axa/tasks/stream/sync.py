"""`stream.sync.upsert_users`: apply user snapshots to the local replica if newer."""
from axa.models.stream import User
from axa.tasks.stage_tasks import replica_upsert_task

upsert_users = replica_upsert_task("stream", User)
