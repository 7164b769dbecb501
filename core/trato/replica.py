"""Reads that may lag, served by a PostgreSQL streaming replica (setting `replica_url`).

Reports, exports and dashboards read a lot and may show data a moment old;
inside `lagging()` their reads go to the replica, which takes that load off
the primary. A reader still sees everything committed before its reads
began, its own writes included: the replica is used only once it has
replayed the primary's write-ahead log up to where it stood at that moment
(waiting at most `replica_max_wait_ms` for it), and never in a request that
has already written. Writes never go there: the record service opens its
transactions on the primary, inside `lagging()` or not. A replica that does
not answer, or lags too far, leaves the reads on the primary, with a line in
the log.
"""
from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, g
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

log = logging.getLogger("trato.replica")
# Whether reads in this context may come from the replica.
_LAGGING: contextvars.ContextVar[bool] = contextvars.ContextVar("trato_lagging", default=False)
SESSION, WROTE, REFUSED = "_trato_replica_session", "_trato_wrote", "_trato_replica_refused"
POLL = 0.005  # seconds between two looks at the replica's replay position


@contextmanager
def lagging() -> Iterator[None]:
    """Reads inside may be served by the read replica, when one is configured and has caught up."""
    token = _LAGGING.set(True)
    try:
        yield
    finally:
        _LAGGING.reset(token)


@contextmanager
def primary() -> Iterator[None]:
    """Everything inside uses the primary, even within `lagging()`: the record service's transactions."""
    token = _LAGGING.set(False)
    try:
        yield
    finally:
        _LAGGING.reset(token)


def wrote() -> None:
    """Note that this context has committed a write: from now on its reads stay on the primary."""
    g.setdefault(WROTE, True)


def session() -> Session | None:
    """The replica's session for this context, or None when reads must (or had better) go to the primary."""
    if not _LAGGING.get() or g.get(WROTE) or g.get(REFUSED):
        return None
    found: Session | None = g.get(SESSION)
    if found is not None:
        return found
    state = current_app.extensions["trato"]
    if state.replica_sessionmaker is None:
        return None
    if not _caught_up(state):
        g.setdefault(REFUSED, True)
        return None
    found = g.setdefault(SESSION, state.replica_sessionmaker())
    return found


def _caught_up(state: object) -> bool:
    """Whether the replica has replayed everything the primary had written when this was asked."""
    settings = state.settings  # type: ignore[attr-defined]
    try:
        with state.engine.connect() as conn:  # type: ignore[attr-defined]
            wanted = conn.execute(text("SELECT pg_current_wal_lsn()")).scalar_one()
        deadline = time.monotonic() + settings.replica_max_wait_ms / 1000
        with state.replica_engine.connect() as conn:  # type: ignore[attr-defined]
            while True:
                lag = conn.execute(text("SELECT pg_wal_lsn_diff(CAST(:wanted AS pg_lsn), pg_last_wal_replay_lsn())"),
                                   {"wanted": wanted}).scalar_one()
                if lag is not None and lag <= 0:
                    return True
                if time.monotonic() >= deadline:
                    log.info("read replica %s bytes behind after %s ms: reading from the primary", lag,
                             settings.replica_max_wait_ms)
                    return False
                conn.rollback()
                time.sleep(POLL)
    except SQLAlchemyError as exc:
        log.warning("read replica unavailable, reading from the primary: %s", str(exc).splitlines()[0])
        return False


def close() -> None:
    sess = g.pop(SESSION, None)
    if sess is not None:
        sess.close()
