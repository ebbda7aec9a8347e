"""The vendor sandbox under gunicorn: one gthread worker process, with gunicorn's own keep-alive.

    serve(factory, host, port, quiet=False, threads=THREADS)  # until SIGTERM / SIGINT

``factory`` builds the Flask app (``create_sandbox_app``) in the worker process. One worker only:
the clock, the armed faults, the per-minute windows and the request log live in that process, and
the control API must reach the same ones as the vendor calls. Its threads serve requests side by
side (a ``slow`` fault holds one); connections kept alive between requests wait in the worker's
poller, not in a thread, and close after ``KEEPALIVE`` idle seconds, well before a client would reuse
them for the next minute's poll (closing just as the client sends would fail that request).
"""
from __future__ import annotations

import os
from collections.abc import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication

THREADS = 4
KEEPALIVE = 5


def settings(host: str, port: int, quiet: bool = False, threads: int = THREADS) -> dict:
    return {
        "bind": [f"{host}:{port}"],
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads,
        "keepalive": KEEPALIVE,
        # CMC's key travels in X-CMC_PRO_API_KEY; gunicorn drops header names with "_" unless told
        # to map them (a sandbox on loopback: no proxy whose headers could be confused with it).
        "header_map": "dangerous",
        "accesslog": None if quiet else "-",
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss',  # no query string: no keys
        "errorlog": "-",
        "loglevel": "warning" if quiet else "info",
        "graceful_timeout": 5,
        "proc_name": "axa-sandbox",
        # heartbeat files on tmpfs; gunicorn's per-user control socket would be shared with the apps
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,  # noqa: S108
        "control_socket_disable": True,
    }


class SandboxServer(BaseApplication):
    """gunicorn's custom application (``gunicorn.app.base.BaseApplication``): settings and app
    from code rather than from a config file and ``module:app``."""

    def __init__(self, factory: Callable[[], Flask], options: dict):
        self.factory, self.options = factory, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.factory()


def serve(factory: Callable[[], Flask], host: str, port: int, quiet: bool = False,
          threads: int = THREADS) -> None:
    SandboxServer(factory, settings(host, port, quiet, threads)).run()
