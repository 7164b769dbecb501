"""Engine, declarative base and the per-app-context session.

SQLite gets the explicit-BEGIN recipe (see STACK-NOTES item 4) so that DDL and
migrations roll back as a whole; without it pysqlite leaves a failed migration
half-applied.

SQLite has one writer at a time. A transaction that begins as a reader and
later writes asks for the write lock in the middle, and SQLite refuses it at
once (no waiting on the busy timeout) whenever another connection wrote since
the reader's snapshot began: under a few concurrent writers most of those
requests failed with "database is locked". So every transaction takes the
write lock up front (`BEGIN IMMEDIATE`, which does wait on the busy timeout)
unless the work at hand declared itself a reader with `reading()`: the web
layer does so for GET and HEAD requests, which then read in parallel, and a
reader that turns out to write is run again as a writer (`lost_upgrade`).
Schema changes, migrations and plugin switches are writers, so they are
serialised with every other write.
"""
from __future__ import annotations

import contextvars
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, g
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool

from . import collation, replica, sqlite_writers

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model, the core's and the plugins'."""

    metadata = MetaData(naming_convention=NAMING)


# Whether the transactions begun in this context take SQLite's write lock up front (see the module's docstring).
_WRITER: contextvars.ContextVar[bool] = contextvars.ContextVar("trato_sqlite_writer", default=True)
# Seconds a SQLite writer waits for its turn (and then for SQLite's lock) before it gives up.
BUSY_TIMEOUT = 10
# SQLite's primary result codes for a lock it would not give (SQLITE_BUSY with its extended codes, SQLITE_LOCKED).
_LOCK_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


@contextmanager
def reading(reader: bool = True) -> Iterator[None]:
    """Transactions begun inside are SQLite readers (`BEGIN`), or writers (`BEGIN IMMEDIATE`) if not `reader`."""
    token = _WRITER.set(not reader)
    try:
        yield
    finally:
        _WRITER.reset(token)


def is_lock_refusal(exc: BaseException) -> bool:
    """Whether `exc` is SQLite refusing a lock: a writer that waited out the busy timeout, or a reader's upgrade."""
    code = getattr(exc.orig, "sqlite_errorcode", None) if isinstance(exc, OperationalError) else None
    return code is not None and code & 0xFF in _LOCK_CODES


def lost_upgrade(exc: BaseException) -> bool:
    """Whether `exc` is a reader refused the write lock; if so, its work may be run again as a writer.

    The current session is rolled back and dropped, and the transactions
    begun from here on in this context are writers, which wait for the lock.
    """
    if _WRITER.get() or not is_lock_refusal(exc):
        return False
    close_session()
    _WRITER.set(True)
    return True


def _sqlite_recipe(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")
        cur.close()
        collation.register(dbapi_conn)  # the sort indexes are built with them (collation.py)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        sqlite_writers.begin(conn, _WRITER.get(), BUSY_TIMEOUT)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for a database URL, with what each backend needs."""
    if url.startswith("sqlite"):
        if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
            raise ValueError("Trato needs a file database; in-memory SQLite is not shared between connections")
        kwargs.setdefault("connect_args", {
            "check_same_thread": False, "timeout": BUSY_TIMEOUT,
            "factory": sqlite_writers.connection_factory(make_url(url).database or ""),
        })
        engine = create_engine(url, **kwargs)
        _sqlite_recipe(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_throwaway_engine(url: str) -> Engine:
    """An engine without a pool, for one-off work such as CLI checks."""
    return make_engine(url, poolclass=NullPool)


def engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions["trato"].engine


def session() -> Session:
    """The session of the current app context, opened on first use.

    It is closed (rolling back anything uncommitted) when the app context ends.
    Inside `replica.lagging()` it is the read replica's, when that can serve.
    """
    if (lagging := replica.session()) is not None:
        return lagging
    sess = g.get("_trato_session")
    if sess is None:
        sess = g._trato_session = current_app.extensions["trato"].sessionmaker()
    return sess


def close_session(_exc: BaseException | None = None) -> None:
    sess = g.pop("_trato_session", None)
    if sess is not None:
        sess.close()
    replica.close()


def make_sessionmaker(bind: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=bind, expire_on_commit=False)
