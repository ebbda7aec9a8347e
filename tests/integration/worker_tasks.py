"""Test-only tasks, imported by the test workers alone (``celery worker -I
tests.integration.worker_tasks``), never by the test process, so the platform's table of tasks
stays what celeryconfig declares (tests/tasks/test_celery_config.py).

They run as the platform's tasks do (AppTask: inside the auth app's context, under the delivery
cap) and leave what they saw in a Redis list of the app's Redis (``AXA_REDIS_URL``) named by the
test, one entry per run: ``<pid> <tag>``.
"""
from __future__ import annotations

import os
import signal
import time

from celery import shared_task

from axa.platform.redis_client import get_redis


def _note(key: str, tag: str) -> None:
    get_redis().rpush(key, f"{os.getpid()} {tag}")


@shared_task(name="auth.recovery.record_call")
def record_call(key: str, tag: str) -> None:
    """A quick task: notes that it ran."""
    _note(key, tag)


@shared_task(name="auth.recovery.hold_slot")
def hold_slot(key: str, tag: str, seconds: float) -> None:
    """Notes its start, keeps its pool process busy for ``seconds``, notes its end."""
    _note(key, f"{tag} started")
    time.sleep(seconds)
    _note(key, f"{tag} done")


@shared_task(name="auth.recovery.kill_own_process")
def kill_own_process(key: str) -> None:
    """Poison (security.md T9): notes the delivery, then SIGKILLs the pool process running it."""
    _note(key, "killing myself")
    os.kill(os.getpid(), signal.SIGKILL)
