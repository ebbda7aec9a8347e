"""A fresh flask-sqlalchemy instance per subsystem, with stable constraint names."""
from __future__ import annotations

import importlib

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_db() -> SQLAlchemy:
    return SQLAlchemy(metadata=MetaData(naming_convention=NAMING),
                      engine_options={"pool_pre_ping": True, "pool_size": 5,
                                      "connect_args": {"connect_timeout": 3}})


def db_for(subsystem: str) -> SQLAlchemy:
    return importlib.import_module(f"axa.models.{subsystem}").db
