"""The one Alembic environment of every subsystem (``flask db …`` per app, ``python -m ops.migrate``).

Each subsystem has its own database and its own revisions in ``axa/models/<sub>/migrations/versions``;
the app factory points Alembic there (``version_locations``). This file only connects the running
app's database and metadata to Alembic: the app is the one whose context is current.
"""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")
migrate = current_app.extensions["migrate"]
engine = migrate.db.engine
metadata = migrate.db.metadata


def skip_empty_autogenerate(_context, _revision, directives) -> None:
    """``flask db migrate`` writes no revision when the schema did not change."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline() -> None:
    """``--sql``: the statements as a script, no connection."""
    context.configure(url=engine.url.render_as_string(hide_password=False), target_metadata=metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    options = {"process_revision_directives": skip_empty_autogenerate, **migrate.configure_args}
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
