"""Celery tasks of the `cmc` subsystem."""
