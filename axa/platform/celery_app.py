"""The one unbound Celery object (``celery -A axa.platform.celery_app``). Tasks run inside their
subsystem's Flask app context; the subsystem is the first part of the task name
(``socweb.sync.upsert_users`` → socweb).

Imports go one way: this module builds the Flask apps its tasks run in with the factory
celeryconfig names (``flask_app_factory``), and the app factory knows nothing of Celery. A
process that only publishes tasks (a web app) has this app as its current one as soon as it
imports a task module: ``axa/tasks/__init__.py`` imports this module, as Celery's Django layout
does in the project package.

``celeryconfig.py`` is the data (queues, routes, beat, limits, reliability settings). The broker
and result URLs, and the one setting that depends on the broker's kind, come from the environment
through axa.platform.config, read when Celery first needs its configuration (``add_defaults``),
not when a module is imported.

A redelivery counter in Redis caps how often a message that kills its worker comes back
(``task_reject_on_worker_lost`` requeues it otherwise forever; security.md §2).
"""
from __future__ import annotations

import gc
import logging

from celery import Celery, Task
from celery.signals import worker_before_create_process, worker_process_init
from celery.utils.imports import symbol_by_name
from flask import Flask, current_app, has_app_context

from axa.platform.config import load_settings
from axa.platform.redis_client import client_for, reset_clients

log = logging.getLogger(__name__)
MAX_DELIVERIES = 5
_apps: dict[str, Flask] = {}


def flask_app_for(subsystem: str) -> Flask:
    """The app this process's tasks of ``subsystem`` run in, built on first use by the factory
    celeryconfig names (``flask_app_factory``: the composition root, axa/apps.py)."""
    if subsystem not in _apps:
        _apps[subsystem] = symbol_by_name(celery.conf.flask_app_factory)(subsystem)
    return _apps[subsystem]


def broker_settings() -> dict[str, str | bool]:
    """``AXA_BROKER_URL`` and ``AXA_RESULT_URL`` as Celery's settings, and the one setting that
    depends on the broker's kind. A late-ack task still running when the broker connection drops
    is cancelled where the broker redelivers its message at once (RabbitMQ: it would otherwise run
    twice, in parallel). A Redis broker gives the message back only after the visibility timeout
    (an hour), so there cancelling would shelve the task for an hour: it runs on and is acked
    once the connection is back (tests/integration/test_worker_recovery.py)."""
    settings = load_settings()
    redis_broker = settings.broker_url.startswith(("redis", "sentinel"))
    return {"broker_url": settings.broker_url, "result_backend": settings.result_url,
            "worker_cancel_long_running_tasks_on_connection_loss": not redis_broker}


class AppTask(Task):
    abstract = True

    def _over_delivery_cap(self, app: Flask) -> bool:
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


celery = Celery("axa", task_cls=AppTask)
celery.config_from_object("celeryconfig")
celery.add_defaults(broker_settings)  # a promise: evaluated when the configuration is first read
celery.set_default()  # shared_task proxies resolve to this app in every thread, not Celery's default


def consumed_queues() -> set[str]:
    """The queues this worker consumes: those named by ``-Q``, else every queue."""
    return set(celery.amqp.queues.consume_from or celery.amqp.queues)


def subsystems_served() -> list[str]:
    """The subsystems whose tasks the queues this worker consumes (``-Q``) carry."""
    queues = consumed_queues()
    return sorted({task.split(".", 1)[0] for task, route in celery.conf.task_routes.items()
                   if route["queue"] in queues})


@worker_before_create_process.connect
def _before_fork(**_):
    """The prefork pool's parent builds the Flask apps of the worker's subsystems and moves every
    object it holds out of the garbage collector's reach (``gc.freeze``) before it forks a child:
    the children then share those pages with it instead of each building its own apps and copying
    every page the collector touches (bench/footprint.py: the workers' PSS)."""
    for subsystem in subsystems_served():
        flask_app_for(subsystem)
    gc.freeze()


@worker_process_init.connect
def _after_fork(**_):
    """Pool children must not share sockets with the parent."""
    reset_clients()
    for app in _apps.values():
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose(close=False)
