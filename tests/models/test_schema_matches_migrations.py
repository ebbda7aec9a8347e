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
