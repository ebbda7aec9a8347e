"""Celery tasks of the `stream` subsystem."""
