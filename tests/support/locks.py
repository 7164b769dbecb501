"""A database lock held by another connection, and connections that give up waiting for it soon."""
from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask
from sqlalchemy import event, text


def short_waits(app: Flask) -> None:
    """The app's connections give up a lock after 0.3 s instead of the busy timeout (the fault, sooner)."""
    engine = app.extensions["trato"].engine
    engine.dispose()

    @event.listens_for(engine, "connect")
    def _wait_less(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=300" if engine.dialect.name == "sqlite" else "SET lock_timeout = 300")
        cur.close()
        if engine.dialect.name == "postgresql":
            dbapi_conn.commit()


def hold_a_lock(app: Flask, table: str) -> Any:
    """Another connection holding the lock every write of `table` needs; release it with `.close()`."""
    engine = app.extensions["trato"].engine
    if engine.dialect.name == "sqlite":
        held = sqlite3.connect(engine.url.database, isolation_level=None)
        held.execute("BEGIN EXCLUSIVE")
        return held
    held = engine.connect()
    held.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
    return held
