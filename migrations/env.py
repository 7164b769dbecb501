"""Alembic environment for the core and every plugin branch.

Trato always hands in a connection (config.attributes["connection"]) that is
already inside a transaction, so that the migration and whatever the caller
records beside it (a plugin marked enabled) commit or roll back together.
`trato db revision --autogenerate` adds the options of `trato.autogen`:
one plugin's tables, rendered with Trato's public names.
"""
from alembic import context

from trato.autogen import configure_options
from trato.db import Base
from trato.migrate import include_object

config = context.config
connection = config.attributes["connection"]

options = {
    "connection": connection,
    "target_metadata": Base.metadata,
    "render_as_batch": connection.dialect.name == "sqlite",
    "include_object": include_object,
    "compare_type": True,
}
context.configure(**options | configure_options(config.attributes))
with context.begin_transaction():
    context.run_migrations()
