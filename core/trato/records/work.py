"""One commit per service call, however many records and hooks it involves.

The outermost call commits (or rolls back everything); a call made from a
hook inside it runs in a savepoint and commits with it, so a plugin that
writes records from `after_save` cannot leave half a change behind. Work
that must wait until the data is committed (queueing a job that reads it)
is registered with `on_commit`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import g
from sqlalchemy.orm import Session

from .. import db, replica

PENDING = "_trato_records_on_commit"


@contextmanager
def transaction() -> Iterator[Session]:
    with replica.primary():  # writes, and the reads they make, never go to the read replica
        yield from _transaction()


def _transaction() -> Iterator[Session]:
    session = db.session()
    depth = g.get("_trato_records_depth", 0)
    pending: list[Callable[[], None]] = g.setdefault(PENDING, [])
    kept = len(pending)
    g._trato_records_depth = depth + 1
    try:
        if depth:
            try:
                with session.begin_nested():
                    yield session
            except BaseException:
                del pending[kept:]  # what the failed part asked for goes with it
                raise
        else:
            try:
                yield session
                session.commit()
                replica.wrote()
            except BaseException:
                session.rollback()
                g.pop(PENDING, None)
                raise
    finally:
        g._trato_records_depth = depth
    if not depth:
        for callback in g.pop(PENDING, []):
            callback()


def on_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the outermost record transaction has committed (at once outside one); never on rollback.

    For work that must see the committed data, such as queueing a job a
    worker will run: queued from inside the transaction, it could start
    before the commit, and on SQLite its own write would wait for the lock.
    """
    if g.get("_trato_records_depth", 0):
        g.setdefault(PENDING, []).append(callback)
    else:
        callback()
