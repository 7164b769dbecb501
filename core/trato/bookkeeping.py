"""Small writes a request makes on the side: "last seen", "last used", rate counters.

Each is one statement in a transaction of its own, committed at once, so the
request's own transaction holds no write it did not ask for. On SQLite the
request's read is ended first: a transaction that read before another one
wrote may not write any more, and one holding the write lock would make this
write wait for it; the write is then a writer's transaction (db.reading),
which takes its turn and SQLite's lock up front. On PostgreSQL the commit
does not wait for the write-ahead log to reach the disk
(`synchronous_commit` off for this transaction alone): a crash may lose the
last fraction of a second of these counts and times, which matters to no
one, and each write takes half the time (4 ms instead of 8 here).
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import CursorResult, Executable, Row

from . import db


def write(statement: Executable, parameters: list[dict[str, Any]] | None = None) -> list[Row[Any]]:
    """Run `statement` (with each of `parameters`, if given) and commit it; the rows it returns (RETURNING)."""
    engine = current_app.extensions["trato"].engine
    if engine.dialect.name == "sqlite":
        request_session = db.session()
        if request_session.new or request_session.dirty or request_session.deleted:
            raise RuntimeError("a write aside would roll back the request's unsaved changes: commit them first")
        if request_session.in_transaction():
            request_session.rollback()
        with db.reading(False), engine.begin() as conn:  # a writer: it takes its turn and the lock up front
            return _rows(conn.execute(statement, parameters))
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        return _rows(conn.execute(statement, parameters))


def _rows(result: CursorResult[Any]) -> list[Row[Any]]:
    return list(result) if result.returns_rows else []
