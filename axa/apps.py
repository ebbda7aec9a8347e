"""The six apps, assembled: the composition root above the layers (DESIGN.md §3).

Each subsystem's models (its ``db``) and blueprints are handed to the platform's factory, which
imports neither: the layers import downwards only (blueprints / tasks -> models / clients ->
platform), and this module, ``wsgi.py`` and the Celery worker's app factory
(``flask_app_factory`` in celeryconfig.py) are where they meet.
"""
from __future__ import annotations

import importlib

from flask import Flask

from axa.platform import factory
from axa.platform.config import SUBSYSTEMS


def create_app(subsystem: str, overrides: dict | None = None) -> Flask:
    """A fresh app of ``subsystem``: its models' ``db``, its ``BLUEPRINTS`` and ``init_app``."""
    if subsystem not in SUBSYSTEMS:
        raise ValueError(f"unknown subsystem {subsystem!r}")
    models = importlib.import_module(f"axa.models.{subsystem}")
    blueprints = importlib.import_module(f"axa.blueprints.{subsystem}")
    return factory.create_app(subsystem, models.db, blueprints.BLUEPRINTS, blueprints.init_app, overrides)


def create_auth_app(overrides=None):
    return create_app("auth", overrides)


def create_socweb_app(overrides=None):
    return create_app("socweb", overrides)


def create_stocks_app(overrides=None):
    return create_app("stocks", overrides)


def create_cmc_app(overrides=None):
    return create_app("cmc", overrides)


def create_stream_app(overrides=None):
    return create_app("stream", overrides)


def create_terminal_app(overrides=None):
    return create_app("terminal", overrides)


FACTORIES = {"auth": create_auth_app, "socweb": create_socweb_app, "stocks": create_stocks_app,
             "cmc": create_cmc_app, "stream": create_stream_app, "terminal": create_terminal_app}
