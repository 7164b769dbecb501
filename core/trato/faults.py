"""Failures of the database, Redis or the disk that are no fault of the request, told apart from bugs.

A database that cannot be reached or is restarting, a SQLite lock that
outlasted the busy timeout, a Redis server (the `TRATO_REDIS_URL` that holds
the throttle's counters and the job queue) that does not answer, a full disk:
the request was fine and the same request may well succeed later, so the
server answers 503 (or 507 for a full disk) saying so, with `Retry-After`
where waiting helps, instead of a 500.
Everything else (a missing table, a constraint, a bug) is not a fault here.
"""
from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass

import psycopg
import redis
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout


@dataclass(frozen=True)
class Fault:
    """What went wrong, as the API's problem `kind`, the HTTP status, and the seconds worth waiting (if any)."""

    kind: str
    status: int
    retry_after: int | None


BUSY = Fault("database-busy", 503, 2)  # a lock or a connection slot not free in time; the next try usually works
UNAVAILABLE = Fault("database-unavailable", 503, 10)  # down, restarting, unreachable, out of resources
DISK_FULL = Fault("disk-full", 507, None)  # waiting does not help: someone must make room
REDIS_UNAVAILABLE = Fault("service-unavailable", 503, 10)  # Redis down, restarting or unreachable
MAINTENANCE = Fault("maintenance", 503, 30)  # `trato upgrade` is running: not a failure, nothing to report

_SQLITE = {sqlite3.SQLITE_BUSY: BUSY, sqlite3.SQLITE_LOCKED: BUSY, sqlite3.SQLITE_FULL: DISK_FULL,
           sqlite3.SQLITE_IOERR: UNAVAILABLE, sqlite3.SQLITE_CANTOPEN: UNAVAILABLE,
           sqlite3.SQLITE_READONLY: UNAVAILABLE, sqlite3.SQLITE_PROTOCOL: UNAVAILABLE,
           sqlite3.SQLITE_NOMEM: UNAVAILABLE}
# PostgreSQL's SQLSTATE classes (and single states) that say the server, not the request, failed.
_POSTGRES = {"53100": DISK_FULL, "55P03": BUSY, "40": BUSY, "08": UNAVAILABLE, "53": UNAVAILABLE,
             "57": UNAVAILABLE, "58": UNAVAILABLE}
_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
# What redis-py raises when the server is not there to answer (not a bad command, which is a bug).
REDIS_RAISED = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def classify(exc: BaseException | None) -> Fault | None:
    """The fault `exc` reports (raised by SQLAlchemy, a driver or the file system), or None for anything else."""
    if isinstance(exc, PoolTimeout):
        return BUSY
    if isinstance(exc, REDIS_RAISED):  # refused, reset, timed out, still loading its data
        return REDIS_UNAVAILABLE
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return UNAVAILABLE
        exc = exc.orig
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return None if code is None else _SQLITE.get(code & 0xFF)
    if isinstance(exc, psycopg.Error):
        state = exc.sqlstate
        if state is None:  # no answer from the server at all: refused, closed, timed out
            return UNAVAILABLE if isinstance(exc, psycopg.OperationalError) else None
        return _POSTGRES.get(state) or _POSTGRES.get(state[:2])
    if isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS:
        return DISK_FULL
    return None
