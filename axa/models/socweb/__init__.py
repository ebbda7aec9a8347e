"""Models of the `socweb` subsystem (own database, own migrations)."""
from axa.models.base import make_db

db = make_db()

from axa.models.socweb.users import User  # noqa: E402

__all__ = ["User", "db"]
