"""Local replica of global users, kept current by user sync."""
from axa.models.cmc import db
from axa.models.replica import define_user_replica

User = define_user_replica(db)
