"""The one unbound Celery object. Tasks run inside their subsystem's Flask app context.

The subsystem is the first part of the task name (``socweb.sync.upsert_users`` → socweb).
A redelivery counter in Redis caps how often a message that kills its worker comes back
(``task_reject_on_worker_lost`` requeues it otherwise forever; security.md §2).
"""
from __future__ import annotations

import logging

from celery import Celery, Task
from celery.signals import worker_process_init
from flask import current_app, has_app_context

from axa.platform.redis_client import client_for, reset_clients

log = logging.getLogger(__name__)
MAX_DELIVERIES = 5
_apps: dict = {}


def flask_app_for(subsystem: str):
    if subsystem not in _apps:
        from axa.platform.factory import create_app
        _apps[subsystem] = create_app(subsystem)
    return _apps[subsystem]


class AppTask(Task):
    abstract = True

    def _over_delivery_cap(self, app) -> bool:
        if self.request.is_eager or not self.request.id:
            return False
        key = f"axa:deliveries:{self.request.id}:{self.request.retries}"
        client = client_for(app.config["AXA"].redis_url)
        with client.pipeline(transaction=False) as pipe:  # one round trip
            count, _ = pipe.incr(key).expire(key, 86400).execute()
        if count > MAX_DELIVERIES:
            log.error("task %s[%s] delivered %d times; dropping it as poison", self.name,
                      self.request.id, count)
            client.rpush("axa:dead-letters", f"{self.name} {self.request.id}")
            return True
        return False

    def __call__(self, *args, **kwargs):
        subsystem = self.name.split(".", 1)[0]
        if has_app_context() and current_app.config.get("AXA_SUBSYSTEM") == subsystem:
            return self.run(*args, **kwargs)
        app = flask_app_for(subsystem)
        with app.app_context():
            if self._over_delivery_cap(app):
                return None
            try:
                return self.run(*args, **kwargs)
            finally:
                app.extensions["sqlalchemy"].session.remove()


celery = Celery("axa", task_cls=AppTask, events="axa.platform.celery_events:UnconfirmedEvents")
celery.config_from_object("celeryconfig")
celery.set_default()  # shared_task proxies resolve to this app in every thread, not Celery's default


@worker_process_init.connect
def _after_fork(**_):
    """Pool children must not share sockets with the parent."""
    reset_clients()
    for app in _apps.values():
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose(close=False)
