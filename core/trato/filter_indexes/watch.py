"""Noting the filters of slow lists, and queueing the index of a filter once it has been slow often enough."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask, after_this_request, current_app, has_request_context, request
from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from .. import db, jobs
from ..entities import Entity
from ..models import utcnow
from .kinds import definition, index_name, kind_for
from .models import QUEUED, UNSUPPORTED, FilterIndex, SlowFilter

log = logging.getLogger("trato.filter_indexes")
TASK = "core.build_filter_index"


def _upsert(dialect: str) -> Any:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def observe(entity: Entity, filtered: Iterable[tuple[str, str]], elapsed_ms: float) -> None:
    """Note that a list filtered on `filtered` (field, operator) took `elapsed_ms`; queue an index when due.

    Never fails the list it watches: a database that refuses the note (a
    read-only instance, a replica) is logged and the list answers as usual.
    """
    settings = current_app.extensions["trato"].settings
    pairs = sorted({(f, op) for f, op in filtered if f in entity.fields})
    if not pairs or elapsed_ms < settings.slow_filter_ms:
        return
    try:
        due = _note(entity, pairs, int(elapsed_ms), settings.filter_index_after)
    except SQLAlchemyError:
        log.warning("could not note the slow filters of %s", entity.name, exc_info=True)
        return
    for field, kind in due:
        _queue(current_app._get_current_object(), entity.name, field, kind)  # type: ignore[attr-defined]


def _note(entity: Entity, pairs: list[tuple[str, str]], elapsed_ms: int, after: int) -> list[tuple[str, str]]:
    """Count the slow run of each pair; the (field, kind) whose index is due and now recorded as queued."""
    ext = current_app.extensions["trato"]
    due = []
    with ext.sessionmaker() as session, session.begin():
        dialect = session.get_bind().dialect.name
        insert = _upsert(dialect)
        now = utcnow()
        for field, op in pairs:
            noted = insert(SlowFilter).values(entity=entity.name, field=field, operator=op, runs=1,
                                              slowest_ms=elapsed_ms, last_at=now)
            runs = session.execute(noted.on_conflict_do_update(
                index_elements=["entity", "field", "operator"],
                set_={"runs": SlowFilter.runs + 1, "last_at": now,
                      "slowest_ms": _greatest(dialect, SlowFilter.slowest_ms, elapsed_ms)},
            ).returning(SlowFilter.runs)).scalar_one()
            kind = kind_for(dialect, entity, entity.fields[field], op)
            if runs < after or kind is None or not _may_queue():
                continue
            column = entity.fields[field].column_names[0]
            supported = definition(dialect, column, kind) is not None
            claimed = session.execute(insert(FilterIndex).values(
                entity=entity.name, field=field, kind=kind, name=index_name(entity.table.name, column, kind),
                state=QUEUED if supported else UNSUPPORTED, changed_at=now,
                reason=_reason(op, runs, elapsed_ms) if supported else "no index of this database serves it",
            ).on_conflict_do_nothing().returning(FilterIndex.name)).first() is not None  # rowcount is -1 here
            if claimed and supported:
                due.append((field, kind))
    return due


def _greatest(dialect: str, column: Any, value: int) -> Any:
    return func.greatest(column, value) if dialect == "postgresql" else func.max(column, value)


def _reason(op: str, runs: int, elapsed_ms: int) -> str:
    return f"{op}: {runs} slow lists, the last {elapsed_ms} ms"


def _queue(app: Flask, entity: str, field: str, kind: str) -> None:
    """Queue the build; in a request, once its view has answered and its reads are over, since
    `CREATE INDEX CONCURRENTLY` waits for every open transaction, the request's own included when jobs run
    at once (`jobs_immediate`). Only reads may end early, so only a GET queues (`_may_queue`)."""
    if not has_request_context():
        queue(entity, field, kind)
        return

    @after_this_request
    def later(response: Response) -> Response:
        db.session().rollback()  # a GET's reads: its app context would roll them back at its end anyway
        with app.app_context():
            queue(entity, field, kind)
        return response


def _may_queue() -> bool:
    return not has_request_context() or request.method in ("GET", "HEAD")


def queue(entity: str, field: str, kind: str) -> None:
    """Queue the build of an index now (an admin brought it back)."""
    jobs.submit(TASK, title=f"Filter index on {entity}.{field}", entity=entity, field=field, kind=kind)
