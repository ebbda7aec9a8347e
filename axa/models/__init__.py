"""SQLAlchemy models per subsystem; each subsystem has its own ``db`` and migrations."""
