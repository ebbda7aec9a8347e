"""Celery tasks of the `terminal` subsystem."""
