"""One commit per service call, however many records and hooks it involves.

The outermost call commits (or rolls back everything); a call made from a
hook inside it runs in a savepoint and commits with it, so a plugin that
writes records from `after_save` cannot leave half a change behind.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g
from sqlalchemy.orm import Session

from .. import db


@contextmanager
def transaction() -> Iterator[Session]:
    session = db.session()
    depth = g.get("_trato_records_depth", 0)
    g._trato_records_depth = depth + 1
    try:
        if depth:
            with session.begin_nested():
                yield session
        else:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        g._trato_records_depth = depth
