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


# sqlite_stat1's `stat` is "rows rows-per-value ...": an index whose column holds a single value (nearly
# always: empty everywhere, like the parent of every account in a flat book) says one value fills the table.
_SINGLE_VALUED = ("DELETE FROM sqlite_stat1 WHERE idx IS NOT NULL AND instr(stat, ' ') > 0 "
                  "AND CAST(stat AS INTEGER) > 1 "
                  "AND CAST(substr(stat, instr(stat, ' ') + 1) AS INTEGER) >= CAST(stat AS INTEGER)")


def refresh(conn: Connection) -> bool:
    """Gather the planner's statistics afresh (SQLite only); whether anything ran.

    Statistics of an index whose column holds one value are dropped: they
    tell the planner that looking a value up returns the whole table, when
    the lookups made (the sub-accounts of this account, the leads of that
    one) look for values that are not the one (empty) value there, and it
    would scan a table rather than use the index (220 ms instead of 0.1 at
    200,000 accounts). Without them SQLite assumes a lookup finds a few rows.
    """
    if conn.dialect.name != "sqlite":
        return False
    conn.exec_driver_sql("ANALYZE")
    conn.exec_driver_sql(_SINGLE_VALUED)
    conn.exec_driver_sql("ANALYZE sqlite_schema")  # makes the planner read the statistics again
    return True


def ensure(conn: Connection) -> bool:
    """Gather them if SQLite has none yet; whether anything ran."""
    if conn.dialect.name != "sqlite":
        return False
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None:
        return False
    return refresh(conn)
