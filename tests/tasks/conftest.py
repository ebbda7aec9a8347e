"""Fixtures for task tests: the vendor sandbox (see ingest_helpers)."""
from tests.tasks.ingest_helpers import sandbox, sandbox_server  # noqa: F401
