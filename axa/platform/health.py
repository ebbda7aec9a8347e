"""``/health/``: 200 with each dependency's status, 503 naming the one that is down."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from kombu import Connection
from marshmallow import Schema, fields
from sqlalchemy import text

from axa.platform.redis_client import get_redis

blp = Blueprint("health", __name__, url_prefix="/health",
                description="Liveness of the app and its backing services")


class HealthSchema(Schema):
    status = fields.String(metadata={"description": "ok or degraded"})
    subsystem = fields.String()
    checks = fields.Dict(keys=fields.String(), values=fields.String())
    down = fields.List(fields.String())


def _check_database() -> None:
    db = current_app.extensions["sqlalchemy"]
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _check_redis() -> None:
    get_redis().ping()


def _check_broker() -> None:
    url = current_app.config["AXA"].broker_url
    with Connection(url, connect_timeout=2, transport_options={"max_retries": 0}) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


CHECKS = {"database": _check_database, "redis": _check_redis, "broker": _check_broker}


def run_checks() -> dict:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure means "down"; the type is enough for operators
            results[name] = f"down: {type(exc).__name__}"
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
