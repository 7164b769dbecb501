"""Engine, declarative base and the per-app-context session.

SQLite gets the explicit-BEGIN recipe (see STACK-NOTES item 4) so that DDL and
migrations roll back as a whole; without it pysqlite leaves a failed migration
half-applied.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, g
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool

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


def _sqlite_recipe(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for a database URL, with what each backend needs."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 10})
        if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
            raise ValueError("Trato needs a file database; in-memory SQLite is not shared between connections")
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
    """
    sess = g.get("_trato_session")
    if sess is None:
        sess = g._trato_session = current_app.extensions["trato"].sessionmaker()
    return sess


def close_session(_exc: BaseException | None = None) -> None:
    sess = g.pop("_trato_session", None)
    if sess is not None:
        sess.close()


def make_sessionmaker(bind: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=bind, expire_on_commit=False)
