"""The schema lock: one schema change at a time, across every process and node on the database.

Two admins adding the same field at once must not both pass the "is it
free?" check and then collide in the DDL (a duplicate column, a deadlock
between their table and counter locks: a 500 for one of them). So every
schema change starts its transaction by taking this lock, and only then
looks at what exists: the second admin waits, sees the first one's field,
and is told so.

- PostgreSQL: a transaction-scoped advisory lock, released by the commit or
  the rollback, on a key made of a fixed number and the schema's name: two
  installs in two schemas of one database (or two test runs) do not wait on
  each other. Under it, DDL waits at most LOCK_WAIT for a table's lock, which
  a long transaction elsewhere may hold: a DDL statement queued behind it
  would queue every reader of that table behind itself, so it gives up
  instead (SQLSTATE 55P03, answered as a busy database: 503, Retry-After).
- SQLite: the database's write lock, which a writer's transaction takes up
  front (trato.db); the first statement here is a write that changes
  nothing, so that a transaction begun as a reader asks for it at once too.

Holding the lock is not enough: the checks read this process's entity
registry, which may be older than the last change another process made. So
the lock is taken, the `schema` counter read under it, and, when it moved
since this process last caught up, the lock is let go, the registry caught
up (through other connections, which must not wait on this one), and the
lock taken again.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import Connection, func, select, update
from sqlalchemy.orm import Session

from .. import counters
from ..i18n import _
from ..models import Counter
from .errors import SchemaBusy

# pg_advisory_xact_lock's first key: "Trat" in ASCII (the second is the schema's name hashed). Other locks pick another.
SCHEMA_LOCK_KEY = 0x5472_6174
LOCK_WAIT = "5s"
# Each retry means another change was committed meanwhile; this many in a row is a queue, not a race.
MAX_CATCH_UPS = 50

_NOTHING_WRITTEN = update(Counter).where(Counter.name == counters.SCHEMA).values(value=Counter.value)
_SCHEMA_VERSION = select(Counter.value).where(Counter.name == counters.SCHEMA)


def take(conn: Connection) -> None:
    """Wait for the lock, for the rest of `conn`'s transaction. On SQLite, a wait past the busy timeout is
    the database's "locked" error, which the web layer answers as any busy database (503, Retry-After).
    Plugin switches take it too: their migrations change the schema."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK_KEY, func.hashtext(func.current_schema()))))
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
    else:
        conn.execute(_NOTHING_WRITTEN)


def begin_schema_change(session: Session) -> None:
    """Start a transaction of `session` that holds the schema lock, with this process's entities caught up.

    What the session held open is committed first (the lock must be the
    transaction's first statement). The caller commits or rolls back, which
    lets the lock go.
    """
    state = current_app.extensions["trato"]
    if session.in_transaction():
        session.commit()
    # Built now if not yet: building reads through another connection, which on SQLite would wait on this one.
    state.entities.all()
    for _attempt in range(MAX_CATCH_UPS):
        conn = session.connection()
        take(conn)
        if conn.scalar(_SCHEMA_VERSION) == state.seen.get(counters.SCHEMA):
            return
        session.rollback()
        state.refresh()
    raise SchemaBusy(_("Fields and entities are being changed by others right now; try again in a moment."))
