"""WSGI entry point: builds the subsystem named by ``AXA_SUBSYSTEM`` (gunicorn wsgi:app)."""
from axa.apps import FACTORIES
from axa.platform.config import load_settings

app = FACTORIES[load_settings().subsystem]()
