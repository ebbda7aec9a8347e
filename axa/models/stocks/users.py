"""Local replica of global users, kept current by user sync."""
from axa.models.replica import define_user_replica
from axa.models.stocks import db

User = define_user_replica(db)
