"""Celery tasks of the `socweb` subsystem."""
