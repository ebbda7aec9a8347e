"""A fresh flask-sqlalchemy instance per subsystem, with stable constraint names."""
from __future__ import annotations

import importlib

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import scoped_session

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_by_metadata: dict[MetaData, SQLAlchemy] = {}


def make_db() -> SQLAlchemy:
    db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING),
                    engine_options={"pool_pre_ping": True, "pool_size": 5,
                                    "connect_args": {"connect_timeout": 3}})
    _by_metadata[db.metadata] = db
    return db


def db_of(model) -> SQLAlchemy:
    """The ``db`` a model class was declared on: what a table mixin's classmethods use
    (axa/models/ingest.py, replica.py), whichever subsystem's models declared the class."""
    return _by_metadata[model.metadata]


def session_of(model) -> scoped_session:
    return db_of(model).session


def db_for(subsystem: str) -> SQLAlchemy:
    return importlib.import_module(f"axa.models.{subsystem}").db
