"""Celery tasks of the `stocks` subsystem."""
