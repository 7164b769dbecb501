"""Throwaway databases for the testing kit, and templates to fill them: migrate once, copy for every test.

Migrating the core and enabling a plugin or two costs seconds per test (each
migration, each search and sort index), most of a suite's time. So the first
app built with a given set of plugins and settings is kept as a template, and
the next test asking for the same starts from a copy of it:

- SQLite: the database file, written by SQLite's online backup, copied.
- PostgreSQL: every test has a database of its own, and a template is one
  more, copied with `CREATE DATABASE ... TEMPLATE ... STRATEGY WAL_LOG` (a
  fraction of a second, where migrating takes seconds).

Templates live as long as the test process, so they always come from the code
under test; a sample plugin offered beside the installed ones counts by its
files, so that a test that writes one (a new migration) gets a new template.
A copy is only ever made into a database that is still empty: an app built a
second time on the same database (a restart) goes the normal way.
"""
from __future__ import annotations

import atexit
import logging
import queue
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from .hooks.plugin import Plugin

log = logging.getLogger("trato.testing")


def _files(plugin: Plugin) -> list[tuple[str, int, int]]:
    """Every Python file of the plugin's package with its modification time and size (none for a package that
    does not import: the app skips such a plugin, each time alike)."""
    try:
        folder = plugin.package_path()
    except Exception:  # noqa: BLE001 - whatever the plugin's import raises, the app reports it and goes on
        return []
    if folder == Path("."):  # a namespace package: no file of its own to go by
        return []
    return sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*.py"))


class Templates:
    """The templates one test process made, by what decides their contents."""

    def __init__(self) -> None:
        self._made: dict[str, str] = {}  # key -> SQLite file or PostgreSQL database name
        self._databases: list[URL] = []  # PostgreSQL templates, to drop at exit
        self._folder: Path | None = None

    @staticmethod
    def key(database_url: str, plugins: tuple[str, ...], settings: dict[str, object],
            offered: Mapping[str, Plugin] | None = None) -> str:
        """The kind of database, the plugins in the order enabled, the settings, and the plugins offered beside
        the installed ones (a sample plugin of the tests) as the code they are now: their package's files."""
        return repr((make_url(database_url).get_backend_name(), plugins, sorted(settings.items(), key=repr),
                     [(name, repr(plugin), _files(plugin)) for name, plugin in
                      sorted((offered or {}).items())]))

    def copy_into(self, key: str, database_url: str) -> bool:
        """Fill the empty database at `database_url` from template `key`; False when there is none yet."""
        template = self._made.get(key)
        if template is None:
            return False
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite":
            shutil.copyfile(template, str(url.database))
        else:
            with _admin(url) as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{url.database}" TEMPLATE "{template}" STRATEGY WAL_LOG'))
        return True

    def keep(self, key: str, engine: Engine) -> None:
        """Make what `engine`'s database holds now template `key`, unless there is one already."""
        if key in self._made:
            return
        url = engine.url
        if url.get_backend_name() == "sqlite":
            copy = self._sqlite_folder() / f"{uuid.uuid4().hex[:12]}.db"
            with sqlite3.connect(str(url.database)) as source, sqlite3.connect(copy) as target:
                source.backup(target)
            target.close()
            source.close()
            self._made[key] = str(copy)
            return
        name = f"tmpl_{uuid.uuid4().hex[:16]}"
        engine.dispose()  # a database being copied may have no other connection
        with _admin(url) as conn:
            try:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}" STRATEGY WAL_LOG'))
            except OperationalError:  # the test holds another connection to it: a later build makes the template
                return
        self._made[key] = name
        self._databases.append(url.set(database=name))

    def drop(self) -> None:
        """Remove every template this process made."""
        for url in self._databases:
            with _admin(url) as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        self._made.clear()
        self._databases.clear()

    def _sqlite_folder(self) -> Path:
        """Outside any test's own folder, which pytest removes."""
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="trato-templates-"))
        return self._folder


TEMPLATES = Templates()
atexit.register(TEMPLATES.drop)


@contextmanager
def postgres_database(base: str) -> Iterator[str]:
    """A new, empty database on `base`'s server, dropped (connections and all) on the way out."""
    url = make_url(base).set(database=f"t_{uuid.uuid4().hex[:16]}")
    with _admin(url) as conn:
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        DROPPER.drop(url)


class Dropper:
    """Drops the tests' databases in a thread of its own, so that the next test need not wait.

    Dropping a database that a test wrote takes PostgreSQL a second or more (its files are unlinked and
    synced, its buffers forgotten), against a tenth of that to make one: waited for, it was most of a test's
    set-up. The process waits for the drops still queued when it exits."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[URL | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def drop(self, url: URL) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="test-database-dropper", daemon=True)
                self._thread.start()
                atexit.register(self.finish)
        self._queue.put(url)

    def finish(self) -> None:
        """Wait for every queued drop."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _run(self) -> None:
        while (url := self._queue.get()) is not None:
            try:
                with _admin(url) as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            except OperationalError as exc:  # the server went away: nothing left to drop
                log.warning("could not drop test database %s: %s", url.database, exc)


DROPPER = Dropper()


@contextmanager
def _admin(url: URL) -> Iterator[object]:
    """An autocommit connection to the server's `postgres` database (CREATE/DROP DATABASE run outside a transaction)."""
    engine = create_engine(url.set(drivername="postgresql+psycopg", database="postgres"), poolclass=NullPool,
                           isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def is_empty(database_url: str) -> bool:
    """Whether the database holds no table yet: only then may a template be copied into it or made of it
    (a second app on the same database, a restart, finds it filled and its engine still connected)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        return not path.exists() or path.stat().st_size == 0
    engine = create_engine(url.set(drivername="postgresql+psycopg"), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return not inspect(conn).get_table_names()
    finally:
        engine.dispose()
