"""Models of the `auth` subsystem: identities, one-time tokens, the sync outbox, audit, mail."""
from axa.models.base import make_db

db = make_db()

from axa.models.auth.audit import AuthEvent  # noqa: E402
from axa.models.auth.mail_ledger import SentMail  # noqa: E402
from axa.models.auth.outbox import OutboxEntry  # noqa: E402
from axa.models.auth.tokens import UserToken  # noqa: E402
from axa.models.auth.users import User  # noqa: E402

__all__ = ["AuthEvent", "OutboxEntry", "SentMail", "User", "UserToken", "db"]
