"""Helpers for migrations, the core's and plugins': public, so plugins need no internals."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from .entities import record_columns


def ensure_record_columns(table: str) -> list[str]:
    """Add to an entity table the record columns it lacks (those a newer core brought), with their indexes.

    A plugin whose first migration made its tables with an older
    `record_columns()` calls this from a later migration; on a fresh install,
    where the first migration already made every column, it does nothing.
    Returns the names of the columns added.
    """
    present = {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}
    missing = [column for column in record_columns() if column.name not in present]
    if missing:
        with op.batch_alter_table(table) as batch:
            for column in missing:
                batch.add_column(sa.Column(column.name, column.type, nullable=column.nullable))
                if column.index:
                    batch.create_index(f"ix_{table}_{column.name}", [column.name])
    return [column.name for column in missing]
