"""One backup archive holding everything an instance needs, and its restore.

`trato db backup` copies only the database; a working instance also needs the
uploaded files and its settings (trato.toml, the secret key that signs
sessions and tokens). The archive (tar.gz) holds:

    manifest.json        versions, migration heads, creation time, sha256 of every other member
    database.sqlite      SQLite's online backup   | database.pgdump   pg_dump --format=custom
    instance/...         trato.toml and secret_key, if present
    uploads/...          the attachments folder

A restore reads and checks the whole archive into a scratch folder before it
touches anything, so a truncated or tampered archive changes nothing.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Engine, make_url

from . import migrate
from .backup import BackupError, backup_database, postgres_target
from .errors import TratoError
from .extension import TratoState
from .settings import Settings

MANIFEST = "manifest.json"
INSTANCE_FILES = ("trato.toml", "secret_key")
FORMAT = 1


class RestoreError(TratoError):
    """A restore was refused or failed; nothing was changed unless the message says so."""


@dataclass(frozen=True)
class Source:
    """What a backup reads: the settings say where the database and files are, the engine reads the heads."""

    settings: Settings
    engine: Engine
    core_version: str
    plugins: dict[str, str]


def source_of(st: TratoState) -> Source:
    """What a backup of this running instance reads."""
    # imported here: the app module imports the tasks, which back up through this module
    from .app import CORE_VERSION

    plugins = {name: record.version for name, record in st.plugins.records.items()}
    return Source(settings=st.settings, engine=st.engine, core_version=CORE_VERSION, plugins=plugins)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _database_member(url: str) -> str:
    return "database.sqlite" if make_url(url).get_backend_name() == "sqlite" else "database.pgdump"


def create_archive(source: Source, target: Path) -> dict[str, Any]:
    """Write the archive `target` (which must not exist); returns its manifest."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder")
    settings = source.settings
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".trato-backup-") as scratch:
        staging = Path(scratch)
        members: dict[str, Path] = {}
        db_name = _database_member(settings.database_url)
        members[db_name] = backup_database(settings.database_url, staging / db_name)
        for name in INSTANCE_FILES:
            if (settings.instance_path / name).is_file():
                members[f"instance/{name}"] = settings.instance_path / name
        uploads = settings.upload_path
        if uploads.is_dir():
            for path in sorted(p for p in uploads.rglob("*") if p.is_file()):
                members[f"uploads/{path.relative_to(uploads).as_posix()}"] = path
        with source.engine.connect() as conn:
            heads = sorted(migrate.current(conn))
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "core_version": source.core_version,
            "plugins": dict(sorted(source.plugins.items())),
            "migration_heads": heads,
            "database": {"engine": make_url(settings.database_url).get_backend_name(), "file": db_name},
            "files": {name: {"sha256": _sha256(path), "size": path.stat().st_size} for name, path in members.items()},
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = staging / "archive.partial"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(staging / MANIFEST, arcname=MANIFEST)
            for name, path in members.items():
                tar.add(path, arcname=name)
        partial.replace(target)
    return manifest


def read_archive(archive: Path, into: Path) -> dict[str, Any]:
    """Extract `archive` into the empty folder `into` and check it whole; returns the manifest.

    Refuses, naming the member, when a file is missing, unexpected or its sha256 differs."""
    if not archive.is_file():
        raise RestoreError(f"{archive} is not a file")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise RestoreError(f"{archive} is truncated or damaged ({exc}); nothing was restored") from None
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        files: dict[str, dict[str, Any]] = manifest["files"]
        db_file = manifest["database"]["file"]
    except (OSError, ValueError, KeyError, TypeError):
        raise RestoreError(f"{archive} has no readable {MANIFEST}; it is not a Trato backup") from None
    found = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    for name in sorted(set(files) | found):
        if name not in found:
            raise RestoreError(f"{archive}: {name} is listed in the manifest but missing; nothing was restored")
        if name not in files:
            raise RestoreError(f"{archive}: {name} is not in the manifest; nothing was restored")
        if _sha256(into / name) != files[name]["sha256"]:
            raise RestoreError(f"{archive}: {name} does not match its checksum; nothing was restored")
    if db_file not in files:
        raise RestoreError(f"{archive} holds no database; nothing was restored")
    return manifest


def _occupied(settings: Settings, engine: Engine) -> list[str]:
    """What already holds data where the restore would write: tables in the database, files in uploads."""
    found = []
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
    if tables:
        found.append(f"the database has {len(tables)} table(s)")
    uploads = settings.upload_path
    if uploads.is_dir() and any(p.is_file() for p in uploads.rglob("*")):
        found.append(f"{uploads} holds files")
    return found


def restore_archive(archive: Path, settings: Settings, engine: Engine, force: bool = False) -> dict[str, Any]:
    """Restore `archive` into the database and instance `settings` name; returns its manifest.

    Refused when the place is not empty, unless `force`; the archive is checked whole first."""
    with tempfile.TemporaryDirectory(prefix=".trato-restore-", dir=settings.instance_path) as scratch:
        staging = Path(scratch)
        manifest = read_archive(archive, staging)
        engine_name = make_url(settings.database_url).get_backend_name()
        if manifest["database"]["engine"] != engine_name:
            raise RestoreError(f"{archive} holds a {manifest['database']['engine']} database; this instance uses "
                               f"{engine_name}; nothing was restored")
        occupied = _occupied(settings, engine)
        if occupied and not force:
            raise RestoreError(f"the restore needs an empty place, but {' and '.join(occupied)}; "
                               "use --force to overwrite; nothing was restored")
        engine.dispose()
        database = staging / manifest["database"]["file"]
        if engine_name == "sqlite":
            restore_sqlite(database, make_url(settings.database_url).database or "")
        else:
            _pg_restore(database, settings.database_url, clean=force)
        uploads = staging / "uploads"
        if uploads.is_dir():
            shutil.copytree(uploads, settings.upload_path, dirs_exist_ok=True)
        for name in INSTANCE_FILES:
            saved = staging / "instance" / name
            if not saved.is_file():
                continue
            # the secret key belongs with the data it signed; an existing trato.toml names this place's database
            place = settings.instance_path / name
            if name == "trato.toml" and place.exists():
                place = place.with_name("trato.toml.from-backup")
            shutil.copyfile(saved, place)
    return manifest


def restore_sqlite(copy: Path, database: str) -> None:
    """Replace the SQLite database at `database` with the page-by-page content of `copy` (online, in one step)."""
    source = sqlite3.connect(copy)
    target = sqlite3.connect(database, timeout=30)
    try:
        source.backup(target, pages=-1)
    except sqlite3.Error as exc:
        raise RestoreError(f"copying the database back failed: {exc}") from None
    finally:
        target.close()
        source.close()


def _pg_restore(dump: Path, url: str, clean: bool) -> None:
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise RestoreError("pg_restore is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run([pg_restore, "--no-owner", "--single-transaction", "--exit-on-error",
                           *(["--clean", "--if-exists"] if clean else []), *postgres_target(url), str(dump)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    if done.returncode:
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise RestoreError(f"pg_restore failed and rolled back: {detail}")
