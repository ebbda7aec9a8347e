"""``/health/``: 200 with each dependency's status, 503 naming the one that is down.

The answer says only ``ok`` or ``down`` per dependency; why one is down goes to the log. The broker
check reuses one connection per process, reconnecting only after a failure, so frequent health
checks open no new broker connections; each check is a real round trip (AMQP: a passive declare of
the ``amq.direct`` exchange every RabbitMQ has; Redis transport: PING on its client).
"""
from __future__ import annotations

import logging
import threading

from flask import current_app
from flask.views import MethodView
from kombu import Connection
from marshmallow import Schema, fields
from sqlalchemy import text

from axa.platform.api import Blueprint
from axa.platform.redis_client import get_redis

log = logging.getLogger(__name__)
blp = Blueprint("health", __name__, url_prefix="/health",
                description="Liveness of the app and its backing services")


class HealthSchema(Schema):
    status = fields.String(metadata={"description": "ok or degraded"})
    subsystem = fields.String()
    checks = fields.Dict(keys=fields.String(), values=fields.String(),
                         metadata={"description": "database, redis, broker: ok or down"})
    down = fields.List(fields.String(), metadata={"description": "The dependencies that are down"})


def _check_database() -> None:
    db = current_app.extensions["sqlalchemy"]
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _check_redis() -> None:
    get_redis().ping()


class BrokerProbe:
    """One broker connection per process and URL, kept between checks."""

    def __init__(self, url: str):
        self.url, self.lock, self.connection = url, threading.Lock(), None

    def check(self) -> None:
        with self.lock:
            try:
                if self.connection is None:
                    self.connection = Connection(self.url, connect_timeout=2,
                                                 transport_options={"max_retries": 0})
                    self.connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                                      timeout=2)
                _round_trip(self.connection.default_channel)
            except Exception:
                self.close()
                raise

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.release()
            finally:
                self.connection = None


def _round_trip(channel) -> None:
    client = getattr(channel, "client", None)  # kombu's Redis transport channel has its client
    if client is not None:
        client.ping()
    else:
        channel.exchange_declare("amq.direct", "direct", passive=True)


_probes: dict[str, BrokerProbe] = {}


def _check_broker() -> None:
    url = current_app.config["AXA"].broker_url
    probe = _probes.get(url) or _probes.setdefault(url, BrokerProbe(url))
    probe.check()


CHECKS = {"database": _check_database, "redis": _check_redis, "broker": _check_broker}


def run_checks() -> dict:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure means "down"; the reason is for the log only
            log.warning("health: %s down (%s: %s)", name, type(exc).__name__, exc)
            results[name] = "down"
    return results


@blp.route("/")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="A backing service is down")
    def get(self):
        """Status of this app's database, Redis and broker"""
        checks = run_checks()
        down = [name for name, state in checks.items() if state != "ok"]
        body = {"status": "degraded" if down else "ok", "checks": checks, "down": down,
                "subsystem": current_app.config["AXA_SUBSYSTEM"]}
        return body, (503 if down else 200)
