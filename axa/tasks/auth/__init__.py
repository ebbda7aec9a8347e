"""Celery tasks of the `auth` subsystem: user sync relay and fan-out, sessions, mail."""
