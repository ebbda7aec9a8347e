"""A Celery app for the beat-lock test: one entry every half second to a queue of its own, on
this run's broker, with the platform's LockedScheduler on a short lock."""
from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

from axa.platform.beat import LockedScheduler

QUEUE = "axa.test.beat"
EVERY = 0.5


class QuickLockedScheduler(LockedScheduler):
    lock_seconds = 2.0


app = Celery("axa-beat-test", broker=os.environ["AXA_BROKER_URL"], set_as_current=False)
app.conf.update(task_queues=[Queue(QUEUE, routing_key=QUEUE)], task_default_queue=QUEUE,
                task_default_routing_key=QUEUE, task_create_missing_queues=False, beat_max_loop_interval=EVERY,
                beat_schedule={"tick": {"task": "axa.test.tick", "schedule": EVERY, "options": {"expires": 60}}})
