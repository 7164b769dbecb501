"""`trato upgrade`: a pre-flight, a backup, then every migration, or nothing at all.

The pre-flight changes nothing: it lists the pending core and plugin
migrations, names every installed plugin whose declared core range does not
admit this core, and checks there is room for the backup.

The upgrade holds the upgrade lock (a second `trato upgrade` is refused),
puts every node in maintenance (they answer 503 with a page that reloads
itself, so nothing is written between the backup and the migrations, and
nobody meets a schema half changed), writes a backup archive
(trato.archive), and runs the core's and every enabled plugin's migrations
in one transaction. PostgreSQL's DDL is
transactional, so a failure rolls all of it back. SQLite's DDL is rolled
back too with Trato's explicit BEGIN, but a migration may do what SQLite
cannot undo (a batch table rebuild, a PRAGMA that commits), so there the
database is also copied back from the backup taken a moment before.

Each upgrade that ran, and how it ended, is appended to `upgrades.jsonl` in
the instance folder, for the admin's versions page: not in the database,
which a failed upgrade leaves exactly as it was.
"""
from __future__ import annotations

import fcntl
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from . import counters, migrate
from .archive import Source, create_archive, read_archive, restore_sqlite
from .errors import MigrationError, TratoError
from .extension import TratoState

# pg_try_advisory_lock's first key, "Upgr" in ASCII; the schema lock uses "Trat" (schema/lock.py).
UPGRADE_LOCK_KEY = 0x5570_6772
HISTORY = "upgrades.jsonl"  # in the instance folder


class UpgradeError(TratoError):
    """The upgrade was refused or failed; the message says what and in what state the database is."""


@dataclass
class Preflight:
    """What `trato upgrade` would do, and why it would refuse."""

    steps: list[migrate.Step]
    incompatible: list[str] = field(default_factory=list)
    backup_folder: Path = Path()
    needed_bytes: int = 0
    free_bytes: int = 0

    @property
    def problems(self) -> list[str]:
        found = list(self.incompatible)
        if self.free_bytes < self.needed_bytes:
            found.append(f"{self.backup_folder} has {self.free_bytes:,} bytes free; the backup needs up to "
                         f"{self.needed_bytes:,} (set backup_dir to a folder with room)")
        return found


def incompatible_plugins(st: TratoState, core_version: str) -> list[str]:
    """One line per installed plugin whose declared core range does not admit `core_version`."""
    found = []
    for name, record in sorted(st.plugins.records.items()):
        if record.plugin is None:
            continue
        try:
            admitted = SpecifierSet(record.plugin.core).contains(Version(core_version), prereleases=True)
        except InvalidSpecifier:
            admitted = False
        if not admitted:
            found.append(f"plugin {name} {record.version} declares core range {record.plugin.core!r}, "
                         f"which does not admit trato {core_version}: upgrade or uninstall the plugin first")
    return found


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def backup_size(st: TratoState) -> int:
    """An upper bound of a backup archive's size: the database's size plus the uploads' (before compression)."""
    url = make_url(st.settings.database_url)
    if url.get_backend_name() == "sqlite":
        database = _size(Path(url.database or ""))
    else:
        with st.engine.connect() as conn:
            database = int(conn.execute(select(func.pg_database_size(func.current_database()))).scalar_one())
    return database + _size(st.settings.upload_path)


def _existing(folder: Path) -> Path:
    """The nearest folder that exists, for the free space of one that would be made."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def preflight(st: TratoState, core_version: str) -> Preflight:
    """What an upgrade would run and whether it may; reads only."""
    if not migrate.is_initialised(st.engine):
        raise UpgradeError("the database is not set up yet; run `trato init` first")
    st.refresh()
    with st.engine.connect() as conn:
        steps = migrate.pending(conn, st.plugins.records, st.plugins.enabled_in_order())
    folder = st.settings.backup_path
    return Preflight(steps=steps, incompatible=incompatible_plugins(st, core_version), backup_folder=folder,
                     needed_bytes=backup_size(st), free_bytes=shutil.disk_usage(_existing(folder)).free)


@contextmanager
def upgrade_lock(st: TratoState) -> Iterator[None]:
    """Held for the whole upgrade by one process across every node; a second one is refused at once."""
    busy = UpgradeError("another `trato upgrade` is running on this database; wait for it to finish")
    url = make_url(st.settings.database_url)
    if url.get_backend_name() == "sqlite":
        lock_file = Path(f"{url.database}.upgrade-lock")
        with lock_file.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise busy from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    key = (UPGRADE_LOCK_KEY, func.hashtext(func.current_schema()))
    with st.engine.connect() as conn:
        if not conn.execute(select(func.pg_try_advisory_lock(*key))).scalar_one():
            raise busy
        conn.commit()
        try:
            yield
        finally:
            conn.execute(select(func.pg_advisory_unlock(*key)))
            conn.commit()


@dataclass(frozen=True)
class Outcome:
    steps: list[migrate.Step]
    backup: Path


def run_upgrade(st: TratoState, source: Source) -> Outcome:
    """Back up, then migrate the core and every enabled plugin; on failure the database is as it was."""
    with upgrade_lock(st):
        check = preflight(st, source.core_version)
        if check.problems:
            raise UpgradeError("; ".join(check.problems))
        if not check.steps:
            return Outcome([], Path())
        check.backup_folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        backup = check.backup_folder / f"trato-before-upgrade-{stamp}.tar.gz"
        started = datetime.now(UTC)
        with maintenance(st):
            create_archive(source, backup)
            step = check.steps[0]
            try:
                with st.engine.begin() as conn:
                    for step in check.steps:
                        migrate.apply(conn, st.plugins.records, step)
            except MigrationError as exc:
                state = _put_back(st, backup)
                message = (f"the upgrade failed at {step.branch} {step.revision} ({step.message}): {exc}. "
                           f"{state} The backup taken before is {backup}.")
                _remember(st, started, source.core_version, check.steps, backup, message)
                raise UpgradeError(message) from None
        _remember(st, started, source.core_version, check.steps, backup, None)
    return Outcome(check.steps, backup)


@contextmanager
def maintenance(st: TratoState) -> Iterator[None]:
    """Every node answers with the maintenance page while the block runs (the counter each request reads)."""
    with st.engine.begin() as conn:
        counters.set_flag(conn, counters.MAINTENANCE, True)
    try:
        yield
    finally:
        with st.engine.begin() as conn:  # after a SQLite restore too: the copy was taken in maintenance
            counters.set_flag(conn, counters.MAINTENANCE, False)


def _remember(st: TratoState, started: datetime, core_version: str, steps: list[migrate.Step], backup: Path,
              failure: str | None) -> None:
    entry = {"started": started.isoformat(timespec="seconds"),
             "finished": datetime.now(UTC).isoformat(timespec="seconds"), "core": core_version,
             "ok": failure is None, "message": failure or "",
             "steps": [{"revision": s.revision, "branch": s.branch, "message": s.message} for s in steps],
             "backup": str(backup)}
    with (st.settings.instance_path / HISTORY).open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")


def history(st: TratoState, limit: int = 10) -> list[dict[str, Any]]:
    """The latest upgrades that ran, newest first, as `_remember` wrote them."""
    path = st.settings.instance_path / HISTORY
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()[-limit:]
    found = [json.loads(line) for line in reversed(lines) if line.strip()]
    return [entry | {"started": datetime.fromisoformat(entry["started"])} for entry in found]


def _put_back(st: TratoState, backup: Path) -> str:
    """After a failed migration: say in what state the database is, restoring SQLite's copy first."""
    if make_url(st.settings.database_url).get_backend_name() != "sqlite":
        return "Every migration was rolled back in one transaction: the database is as it was."
    st.engine.dispose()
    with tempfile.TemporaryDirectory(prefix=".trato-upgrade-", dir=backup.parent) as scratch:
        manifest = read_archive(backup, Path(scratch))
        restore_sqlite(Path(scratch) / manifest["database"]["file"], make_url(st.settings.database_url).database or "")
    return "The database was copied back from the backup: it is as it was."
