"""Local replica of global users, kept current by user sync."""
from axa.models.replica import UserReplicaTable
from axa.models.stream import db


class User(UserReplicaTable, db.Model):
    pass
