"""SQLite's writers: they take turns through a lock file, and one thread never waits on its own idle writer.

Taking turns. SQLite lets one transaction write at a time; a writer that
finds the lock taken sleeps in its busy handler (1, 2, 5, 10 ... up to
100 ms between tries) and mostly wakes up long after the lock came free.
Here each writer first takes an exclusive `flock` on a file beside the
database, trying every 0.5 to 4 ms, and only then runs `BEGIN IMMEDIATE`;
it lets go when its connection commits, rolls back or closes. The lock file
only orders the writers: SQLite's own lock still guards the data, so a
process that does not use the file (the sqlite3 shell, a backup) stays
safe, merely unordered.

One thread, two connections. Transactions are writers unless declared
readers (db.reading), so a thread may hold the write lock on one connection
for a session that only read (the request's session, say) and then begin a
writer on another: that one would wait for the first, which waits for it.
Before a writer begins, the thread's other writers that have written
nothing yet turn into readers (COMMIT, then BEGIN: their later reads see a
newer snapshot, which is all a reader is promised). While one of them has
written and not committed, the new transaction begins as a reader instead:
it reads what is committed, as it did before transactions were writers, and
a write of its own would wait on its own thread (a bug in the caller, which
SQLite's busy timeout then reports).
"""
from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time

from sqlalchemy.engine import Connection

log = logging.getLogger("trato.db")
FIRST_NAP, LONGEST_NAP = 0.0005, 0.004
_thread = threading.local()


def _writers() -> list[WriterConnection]:
    """This thread's connections that hold the write lock."""
    if not hasattr(_thread, "writers"):
        _thread.writers = []
    return _thread.writers


class WriterConnection(sqlite3.Connection):
    """A sqlite3 connection that knows when it holds SQLite's write lock, and takes turns for it."""

    lock_path: str | None = None  # set per database by `connection_factory`
    _fd: int | None = None
    _turn = False  # holds the lock file
    _writing: list[WriterConnection] | None = None  # in a BEGIN IMMEDIATE transaction: its thread's writers
    _changes_before = 0

    def begin_writing(self, timeout: float) -> bool:
        """Make way within this thread, then wait up to `timeout` seconds for the writers' turn (past it,
        SQLite's own busy timeout decides); False, with nothing done, while another connection of this thread
        has written and not committed. The caller then runs `BEGIN IMMEDIATE`, or `BEGIN` on False."""
        others = [w for w in _writers() if w is not self]
        if any(other.has_written() for other in others):
            return False
        for other in others:
            other.become_reader()
        self._take_turn(timeout)
        self._writing, self._changes_before = _writers(), self.total_changes
        self._writing.append(self)
        return True

    def has_written(self) -> bool:
        return self.total_changes != self._changes_before

    def become_reader(self) -> None:
        """Give up the write lock of a transaction that has written nothing, keeping a (newer) read snapshot."""
        self.execute("COMMIT")
        self.execute("BEGIN")
        self.end_writing()

    def end_writing(self) -> None:
        if self._writing is not None:
            self._writing.remove(self)
            self._writing = None
        if self._turn and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._turn = False

    def _take_turn(self, timeout: float) -> None:
        if self.lock_path is None:
            return
        if self._fd is None:
            try:
                self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError as exc:  # a read-only folder: SQLite's lock alone orders the writers
                log.warning("writers do not take turns: cannot open %s (%s)", self.lock_path, exc.strerror)
                type(self).lock_path = None
                return
        deadline, nap = time.monotonic() + timeout, FIRST_NAP
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._turn = True
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return
                time.sleep(nap)
                nap = min(nap * 2, LONGEST_NAP)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self.end_writing()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_writing()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.end_writing()
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def connection_factory(database: str) -> type[WriterConnection]:
    """A connection class whose writers take turns on `<database>-writers`."""
    return type("WriterConnection", (WriterConnection,), {"lock_path": f"{database}-writers"})


def begin(conn: Connection, writer: bool, timeout: float) -> None:
    """Start a transaction: a writer makes way, waits for its turn and takes SQLite's write lock at once."""
    raw = conn.connection.dbapi_connection
    if not writer or not isinstance(raw, WriterConnection):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")
        return
    if not raw.begin_writing(timeout):
        conn.exec_driver_sql("BEGIN")
        return
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        raw.end_writing()
        raise
