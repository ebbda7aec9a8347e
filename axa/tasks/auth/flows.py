"""Declared task graphs of the auth subsystem."""
from __future__ import annotations

from celery import group, signature

from axa.platform.config import REPLICA_SUBSYSTEMS


def user_fan_out(snapshots: list[dict]):
    """One upsert per subsystem replica, each on that subsystem's own sync queue."""
    return group(signature(f"{sub}.sync.upsert_users", args=(snapshots,), immutable=True)
                 for sub in REPLICA_SUBSYSTEMS)
