"""Each subsystem's models describe exactly the schema its migrations build: Alembic's
autogenerate comparison of the migrated test database with the models finds nothing to do."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from axa.apps import FACTORIES
from axa.platform.config import SUBSYSTEMS


@pytest.mark.parametrize("subsystem", SUBSYSTEMS)
def test_models_match_the_migrated_schema(databases, subsystem):
    app = FACTORIES[subsystem]({"TESTING": True})
    db = app.extensions["sqlalchemy"]
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, db.metadata)
                       if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")]
    with app.app_context():
        db.engine.dispose()
    assert differences == [], differences


@pytest.mark.parametrize("subsystem", ["socweb", "cmc"])
def test_the_database_compiles_no_query_with_jit(databases, subsystem):
    """Set on the database by a migration (socweb 8c2d5e7f1a43, cmc b7e2d4f6a8c1): every connection
    to it, the apps' and any other, plans its statements without JIT compilation (socweb: 150 ms
    of a 390 ms count; cmc: ~60 ms of a 252 ms alert evaluation, measured)."""
    app = FACTORIES[subsystem]({"TESTING": True})
    db = app.extensions["sqlalchemy"]
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
        db.engine.dispose()
