"""Celery's monitoring events (Flower's feed) published without waiting for publisher confirms.

The broker connection confirms every publish (``confirm_publish``, security.md: a task message
must not be lost silently). Celery sends its events through the same connections, so each
``task-sent`` (from whoever sends a task) and each ``task-received`` / ``-started`` /
``-succeeded`` (from the worker) waited for the broker's confirm too: a round trip on the path of
every task, for messages that are transient by design (``delivery_mode=1``; a monitor that is
not listening misses them anyway). Measured on the ingest bench: about a tenth of the pipeline's
throughput, nearly all of it from the ``task-sent`` events of chained tasks.

Here events go out on a second channel of the same connection that is never put in confirm mode.
Task messages keep their confirms; the events, their order and their content are unchanged.
Transports without confirms (Redis) are left as they are.
"""
from __future__ import annotations

import weakref

from celery.app.events import Events
from celery.events.dispatcher import EventDispatcher
from kombu import Producer

_producers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # amqp connection -> Producer


def unconfirmed(producer: Producer | None) -> Producer | None:
    """A producer on the same broker connection as ``producer`` whose publishes wait for no
    confirm (``producer`` itself when its connection does not confirm)."""
    connection = getattr(getattr(producer, "channel", None), "connection", None)
    if not getattr(connection, "confirm_publish", False):
        return producer
    lossy = _producers.get(connection)
    if lossy is None or not getattr(lossy.channel, "is_open", False):
        channel = connection.channel()
        channel.basic_publish = channel._basic_publish  # never enters confirm mode
        lossy = _producers[connection] = Producer(channel, auto_declare=False,
                                                  serializer=producer.serializer)
    return lossy


class UnconfirmedEventDispatcher(EventDispatcher):
    def _publish(self, event, producer, routing_key, *args, **kwargs):
        return super()._publish(event, unconfirmed(producer), routing_key, *args, **kwargs)


class UnconfirmedEvents(Events):
    dispatcher_cls = "axa.platform.celery_events:UnconfirmedEventDispatcher"
