"""A consistent copy of the database taken while Trato serves, by each engine's own online method.

SQLite: the engine's online backup API copying every page in one step, from
one read snapshot. A step-by-step backup (the sqlite3 shell's `.backup`)
starts over each time another connection writes, so under steady writes it
never finished; a single step cannot be restarted, and in WAL mode writers
go on meanwhile, only the checkpoint waits. The copy goes to a temporary
file beside the target, is checked with `PRAGMA integrity_check`, then
renamed into place, so a target either holds a whole backup or nothing new.

PostgreSQL: `pg_dump --format=custom`, which reads one snapshot in a
repeatable-read transaction and never blocks writers.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from . import collation
from .errors import TratoError


class BackupError(TratoError):
    """A backup could not be made; the message says why and what to do."""


def backup_database(url: str, target: Path) -> Path:
    """Copy the database at `url` into the file `target` (which must not exist yet); returns the target."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder")
    parsed = make_url(url)
    partial = target.with_name(f".{target.name}.partial")
    try:
        if parsed.get_backend_name() == "sqlite":
            _sqlite(parsed.database or "", partial)
        else:
            _postgres(url, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _sqlite(database: str, partial: Path) -> None:
    source = sqlite3.connect(database, timeout=30)
    copy = sqlite3.connect(partial)
    collation.register(copy)  # the integrity check reads the sort indexes, made with Trato's collations
    try:
        source.backup(copy, pages=-1)  # every page in one step: a writer cannot make it start over
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        copy.execute("PRAGMA journal_mode=DELETE")  # a single file, with no -wal beside it
    except sqlite3.Error as exc:
        raise BackupError(f"the SQLite backup failed: {exc}") from None
    finally:
        copy.close()
        source.close()
    if verdict != "ok":
        raise BackupError(f"the copy failed its integrity check ({verdict}); the database itself may be damaged")


def postgres_target(url: str) -> list[str]:
    """pg_dump's and pg_restore's arguments naming the database and, when the URL puts Trato in one schema, it."""
    parsed = make_url(url)
    schema = _search_path(parsed.query.get("options"))
    return [f"--dbname={parsed.set(drivername='postgresql').render_as_string(hide_password=False)}",
            *([f"--schema={schema}"] if schema else [])]


def _postgres(url: str, partial: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={partial}", *postgres_target(url)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    if done.returncode:
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"pg_dump failed: {detail}")


def _search_path(options: str | tuple[str, ...] | None) -> str | None:
    """The schema a URL's `options=-csearch_path=NAME` puts Trato in (only that schema is Trato's), if any."""
    for option in ([options] if isinstance(options, str) else options or ()):
        for part in option.split():
            if part.startswith("-csearch_path="):
                return part.removeprefix("-csearch_path=").split(",")[0]
    return None
