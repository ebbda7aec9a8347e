"""Local replica of global users, kept current by user sync."""
from axa.models.cmc import db
from axa.models.replica import UserReplicaTable


class User(UserReplicaTable, db.Model):
    pass
