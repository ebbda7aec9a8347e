"""Celery task entry points and task graphs: ``tasks/<subsystem>/<stage>.py`` and ``flows.py``.

Importing any task module makes the platform's Celery app the current one (as Celery's Django
layout does in the project package), so a web process that enqueues a task publishes through the
platform's broker and settings, not through Celery's default app.
"""
from axa.platform import celery_app  # noqa: F401
