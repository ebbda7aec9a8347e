"""Models of the `terminal` subsystem (own database, own migrations)."""
from axa.models.base import make_db

db = make_db()

from axa.models.terminal.accounts import Account  # noqa: E402
from axa.models.terminal.activities import Activity  # noqa: E402
from axa.models.terminal.diary_outbox import DiaryOutbox  # noqa: E402
from axa.models.terminal.events import OrderEvent  # noqa: E402
from axa.models.terminal.history import EquitySnapshot  # noqa: E402
from axa.models.terminal.orders import Order  # noqa: E402
from axa.models.terminal.positions import Position  # noqa: E402
from axa.models.terminal.users import User  # noqa: E402

__all__ = ["Account", "Activity", "DiaryOutbox", "EquitySnapshot", "Order", "OrderEvent", "Position", "User",
           "db"]
