"""`trato db backup` completes while others write, and its copy is whole (issue 12, reliability item 4).

The sqlite3 shell's `.backup` restarted on every write and never finished
under three writers; the command copies in one step from one snapshot.
"""
from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from trato import collation
from trato.backup import BackupError, backup_database
from trato.db import make_engine

from .support.live import base_env, trato

ADMIN = ("admin@example.com", "a-long-admin-password")
WRITERS = 3


class Writers:
    """Threads inserting rows into a table of their own, each row in its own transaction, until stopped."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        key = "INTEGER PRIMARY KEY" if url.startswith("sqlite") else "BIGSERIAL PRIMARY KEY"
        with self.engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE load_row (id {key}, writer INTEGER, payload TEXT)"))
        self.stop = threading.Event()
        self.written = 0
        self.failures: list[BaseException] = []
        self.threads = [threading.Thread(target=self._write, args=(n,)) for n in range(WRITERS)]

    def _write(self, n: int) -> None:
        try:
            while not self.stop.is_set():
                with self.engine.begin() as conn:
                    conn.execute(text("INSERT INTO load_row (writer, payload) VALUES (:n, :p)"),
                                 {"n": n, "p": "x" * 500})
                self.written += 1
        except BaseException as exc:  # handed to the test, which would otherwise wait for rows that never come
            self.failures.append(exc)

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        while self.written < 50:  # the load is on before the backup starts
            if self.failures:
                self.__exit__()
                raise self.failures[0]
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        self.engine.dispose()

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM load_row")).scalar_one())


def test_a_backup_taken_under_write_load_completes_and_is_whole(tmp_path: Path, trato_db_url: str) -> None:
    env = base_env(str(tmp_path / "instance"), trato_db_url, str(tmp_path))
    trato("init", "--admin-email", ADMIN[0], "--admin-password", ADMIN[1], env=env)
    target = tmp_path / "trato-backup.db"

    with Writers(trato_db_url) as load:
        before = load.count()
        done = trato("db", "backup", str(target), env=env)
        after = load.count()
    assert not load.failures

    assert f"Backed up the database into {target}" in done.stdout
    assert not list(tmp_path.glob(".*.partial"))
    if trato_db_url.startswith("sqlite"):
        copy = sqlite3.connect(target)
        collation.register(copy)  # the sort indexes are made with Trato's collations
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert before <= copy.execute("SELECT count(*) FROM load_row").fetchone()[0] <= after
        assert copy.execute("SELECT email FROM core_user").fetchall() == [(ADMIN[0],)]
        copy.close()
    else:
        listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True)
        assert "TABLE DATA" in listing.stdout and " load_row " in listing.stdout and " core_user " in listing.stdout


def test_a_backup_never_overwrites_and_names_the_problem(tmp_path: Path, trato_db_url: str) -> None:
    env = base_env(str(tmp_path / "instance"), trato_db_url, str(tmp_path))
    trato("init", "--admin-email", ADMIN[0], "--admin-password", ADMIN[1], env=env)
    existing = tmp_path / "kept.db"
    existing.write_text("an earlier backup")

    done = trato("db", "backup", str(existing), env=env, check=False)

    assert done.returncode == 1 and "already exists; choose a new file name" in done.stderr
    assert existing.read_text() == "an earlier backup"
    with pytest.raises(BackupError, match="is not a folder"):
        backup_database(trato_db_url, tmp_path / "missing" / "x.db")
