"""SQLite transactions: writers lock up front, readers do not, and a thread never waits on its own idle writer."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from trato import db


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    made = db.make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with made.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
        conn.execute(text("INSERT INTO t (v) VALUES ('first')"))
    yield made
    made.dispose()


def test_a_writer_holds_the_lock_from_its_first_read(engine: Engine) -> None:
    """A reader that then writes would be refused at once had another connection committed meanwhile."""
    with engine.connect() as first, engine.connect() as second:
        first.begin()
        first.execute(text("SELECT v FROM t")).all()  # a writer: the write lock is taken here
        waited = threading.Event()

        def other() -> None:  # a new thread: its transactions are writers
            second.begin()
            waited.set()
            second.execute(text("UPDATE t SET v = 'second'"))
            second.commit()

        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.3)
        assert not waited.is_set()  # the other writer waits for its turn instead of racing
        first.execute(text("UPDATE t SET v = 'first writer'"))
        first.commit()
        thread.join(timeout=10)
        assert waited.is_set()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT v FROM t")).scalar_one() == "second"


def test_readers_do_not_wait_for_a_writer(engine: Engine) -> None:
    with engine.connect() as writer:
        writer.begin()
        writer.execute(text("UPDATE t SET v = 'uncommitted'"))
        with db.reading(), engine.connect() as reader:
            assert reader.execute(text("SELECT v FROM t")).scalar_one() == "first"
        writer.rollback()


def test_an_idle_writer_of_the_same_thread_makes_way_for_a_new_one(engine: Engine) -> None:
    """A session that only read holds the lock; a second session in the same thread writes at once."""
    with engine.connect() as idle, engine.connect() as busy:
        idle.begin()
        assert idle.execute(text("SELECT v FROM t")).scalar_one() == "first"
        busy.begin()  # waiting here for `idle` would end in "database is locked"
        busy.execute(text("UPDATE t SET v = 'written'"))
        busy.commit()
        assert idle.execute(text("SELECT v FROM t")).scalar_one() == "written"  # a reader now, of a newer snapshot
        idle.commit()


def test_while_a_thread_has_written_its_other_connections_read_what_is_committed(engine: Engine) -> None:
    """A demo loader writes on one connection and looks up the administrators on another."""
    with engine.connect() as writing, engine.connect() as looking_up:
        writing.begin()
        writing.execute(text("UPDATE t SET v = 'not yet committed'"))
        looking_up.begin()  # waiting here for `writing` would be for ever
        assert looking_up.execute(text("SELECT v FROM t")).scalar_one() == "first"
        looking_up.commit()
        writing.commit()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT v FROM t")).scalar_one() == "not yet committed"
