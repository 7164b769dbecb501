"""The background task that makes a filter index, and the admin's switch that drops it or brings it back."""
from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..jobs import JobContext, run_here
from ..models import utcnow
from ..search.indexes import quote_name
from .kinds import definition, index_name
from .models import BUILT, DROPPED, FAILED, QUEUED, UNSUPPORTED, FilterIndex
from .watch import TASK, queue

log = logging.getLogger("trato.filter_indexes")


def build(ctx: JobContext, entity: str, field: str, kind: str) -> str:
    """The task: make the index of `entity`.`field` of `kind`, unless dropped or gone meanwhile; its state."""
    app = ctx.app
    ext = app.extensions["trato"]
    e = ext.entities.get(entity)
    with ext.sessionmaker() as session:
        row = session.get(FilterIndex, (entity, field, kind))
        if row is None or row.state == DROPPED or e is None or field not in e.fields:
            return row.state if row is not None else "gone"
        name, column = row.name, e.fields[field].column_names[0]
    made = definition(ext.engine.dialect.name, column, kind)
    try:
        if made is None:
            raise ValueError(f"no {kind} index on this database")
        _create(ext.engine, e.table.name, name, made)
        state, reason = BUILT, ""
    except (SQLAlchemyError, ValueError) as exc:
        log.warning("filter index %s not made: %s", name, exc)
        state, reason = FAILED, str(exc).splitlines()[0][:500]
    with ext.sessionmaker() as session, session.begin():
        row = session.get(FilterIndex, (entity, field, kind))
        if row is not None:
            row.state, row.changed_at = state, utcnow()
            if reason:
                row.reason = reason
    log.info("filter index %s: %s", name, state)
    return state


def _create(engine: Any, table: str, name: str, made: str) -> None:
    """CREATE INDEX, concurrently on PostgreSQL (outside a transaction; an invalid leftover of a failed
    concurrent build is dropped first), then ANALYZE so that the planner knows the new index's column."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            invalid = conn.execute(text(
                "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = :name AND NOT i.indisvalid"), {"name": name}).first()
            if invalid:
                conn.execute(text(f"DROP INDEX CONCURRENTLY IF EXISTS {quote_name(name)}"))
            conn.execute(text(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote_name(name)} "
                              f"ON {quote_name(table)} {made}"))
            conn.execute(text(f"ANALYZE {quote_name(table)}"))
        return
    with engine.begin() as conn:
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {quote_name(name)} ON {quote_name(table)} {made}"))
        conn.execute(text(f"ANALYZE {quote_name(table)}"))


def set_kept(entity: str, field: str, kind: str, kept: bool) -> str | None:
    """The admin's switch: drop the index (and keep it dropped) or make it again; the new state."""
    ext = current_app.extensions["trato"]
    with ext.sessionmaker() as session, session.begin():
        row = session.get(FilterIndex, (entity, field, kind))
        if row is None or row.state == UNSUPPORTED:
            return None
        row.state, row.changed_at = (QUEUED if kept else DROPPED), utcnow()
        name, table = row.name, ext.entities.get(entity)
    if kept:
        queue(entity, field, kind)
    elif table is not None:
        with ext.engine.begin() as conn:
            conn.execute(text(f"DROP INDEX IF EXISTS {quote_name(name)}"))
    return QUEUED if kept else DROPPED


def make_now(entity: str, field: str, kind: str, reason: str = "") -> str:
    """Make an index of `kind` on `entity`.`field` at once, in this process, as the job would (bench/, the
    command line); its state."""
    ext = current_app.extensions["trato"]
    e = ext.entities.get(entity)
    column = e.fields[field].column_names[0]
    with ext.sessionmaker() as session, session.begin():
        row = session.get(FilterIndex, (entity, field, kind))
        if row is None:
            session.add(FilterIndex(entity=entity, field=field, kind=kind, name=index_name(e.table.name, column, kind),
                                    state=QUEUED, reason=reason, changed_at=utcnow()))
        else:
            row.state = QUEUED
    run_here(TASK, title=f"Filter index on {entity}.{field}", entity=entity, field=field, kind=kind)
    with ext.sessionmaker() as session:
        return session.get(FilterIndex, (entity, field, kind)).state  # type: ignore[union-attr]
