"""How the platform's processes run: gunicorn (ops/gunicorn.conf.py), Flower (ops/flowerconfig.py),
``make run`` (ops/run.py) and the benches.

Each ``AXA_*`` variable is declared once below with its type and default (``var``) and read through
axa/platform/config.py like the platform's own settings; unset or empty means the default.
``.env.example`` lists every variable. ``ops.run`` sets some of them for its children (ports, the
Flower password, one gunicorn worker with threads): a child reads what its parent set.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from axa.platform.config import read_settings, var


@dataclass(frozen=True)
class OpsSettings:
    # gunicorn, every app (ops/gunicorn.conf.py); the subsystem is Settings.subsystem (AXA_SUBSYSTEM)
    bind: str = var("AXA_BIND", "")  # empty: 127.0.0.1:<the subsystem's port>; ops.run passes --bind
    web_workers: int = var("AXA_WEB_WORKERS", 2)
    web_threads: int = var("AXA_WEB_THREADS", 4)
    forwarded_allow_ips: str = var("AXA_FORWARDED_ALLOW_IPS", "127.0.0.1")
    log_level: str = var("AXA_LOG_LEVEL", "info")
    gunicorn_control_socket: str = var("AXA_GUNICORN_CONTROL_SOCKET", "")  # empty: no control socket
    # make run (ops/run.py)
    var_dir: str = var("AXA_VAR_DIR", "")  # embedded data, beat schedule, Flower state; empty: <repo>/var
    port_offset: int = var("AXA_PORT_OFFSET", 0)  # added to every port (apps, Flower, sandbox)
    bind_host: str = var("AXA_BIND_HOST", "127.0.0.1")
    worker_concurrency: int = var("AXA_WORKER_CONCURRENCY", 2)
    # Flower (ops/flowerconfig.py): never public, basic auth on every page and API
    flower_user: str = var("AXA_FLOWER_USER", "admin")
    flower_password: str = var("AXA_FLOWER_PASSWORD", "")  # empty: a random one per start (development)
    flower_port: int = var("AXA_FLOWER_PORT", 5555)
    flower_address: str = var("AXA_FLOWER_ADDRESS", "127.0.0.1")
    flower_url_prefix: str = var("AXA_FLOWER_URL_PREFIX", "")
    flower_xheaders: bool = var("AXA_FLOWER_XHEADERS", False)  # behind Traefik: trust X-Forwarded-*
    flower_cookie_secret: str = var("AXA_FLOWER_COOKIE_SECRET", "")  # empty: derived from AXA_SECRET_KEY
    flower_db: str = var("AXA_FLOWER_DB", "var/flower.db")
    flower_broker_api: str = var("AXA_FLOWER_BROKER_API", "")  # RabbitMQ's management API, for queue depths


def load_ops_settings(env: Mapping[str, str] | None = None) -> OpsSettings:
    """The process settings from ``env`` (default: ``os.environ``), read when called."""
    return read_settings(OpsSettings, env)
