"""WSGI entry point: builds the subsystem named by ``AXA_SUBSYSTEM`` (gunicorn wsgi:app)."""
import os

from axa.platform.apps import FACTORIES

app = FACTORIES[os.environ.get("AXA_SUBSYSTEM", "auth")]()
