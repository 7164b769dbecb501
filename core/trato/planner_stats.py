"""SQLite's query-planner statistics, which SQLite does not gather by itself.

Without `sqlite_stat1` SQLite's planner takes any index that matches an
equality over one that gives the order asked for: a million-contact list
filtered on a four-value select field and sorted by last name then sorts a
quarter of a million rows for every page (100 ms) instead of reading 51
from the sort index. `ANALYZE` takes about two seconds at that size, so it
runs when there are no statistics yet (after `trato init` and `db upgrade`)
and nightly. PostgreSQL's autovacuum keeps its own statistics.
"""
from __future__ import annotations

from sqlalchemy import Connection


def refresh(conn: Connection) -> bool:
    """Gather the planner's statistics afresh (SQLite only); whether anything ran."""
    if conn.dialect.name != "sqlite":
        return False
    conn.exec_driver_sql("ANALYZE")
    return True


def ensure(conn: Connection) -> bool:
    """Gather them if SQLite has none yet; whether anything ran."""
    if conn.dialect.name != "sqlite":
        return False
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None:
        return False
    return refresh(conn)
