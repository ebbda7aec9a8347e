"""Create each subsystem's database if missing and apply its Alembic migrations.

    python -m ops.migrate            # all six
    python -m ops.migrate auth cmc   # some
"""
from __future__ import annotations

import sys

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from axa.platform.config import SUBSYSTEMS, database_url


def _admin_conninfo(url: str) -> tuple[str, str]:
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    return admin.render_as_string(hide_password=False), parsed.database


def ensure_database(url: str, drop: bool = False) -> None:
    conninfo, name = _admin_conninfo(url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if drop:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def upgrade(subsystem: str) -> None:
    from flask_migrate import upgrade as alembic_upgrade

    from axa.apps import FACTORIES
    app = FACTORIES[subsystem]()
    with app.app_context():
        alembic_upgrade()  # the shared environment, this subsystem's revisions (the app's Migrate)
        app.extensions["sqlalchemy"].engine.dispose()


def migrate(subsystems=SUBSYSTEMS, drop: bool = False) -> None:
    for subsystem in subsystems:
        ensure_database(database_url(subsystem), drop=drop)
        upgrade(subsystem)


if __name__ == "__main__":
    migrate(sys.argv[1:] or SUBSYSTEMS)
