"""Celery task entry points and task graphs, per subsystem."""
