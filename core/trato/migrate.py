"""Alembic for the core and every plugin: one version table, one branch each.

The core's revisions carry the branch label `core`; a plugin's root revision
carries the plugin's name as label and `depends_on` the core revision it
needs. Every loaded plugin's version folder is on the path (so that a
disabled plugin's rows in `alembic_version` still resolve), but only the
targets asked for are upgraded.
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from .errors import MigrationError
from .hooks.discovery import PluginRecord
from .filter_indexes.kinds import SUFFIX as FILTER_SUFFIX
from .records.sort_indexes import SORT_SUFFIX
from .search.indexes import FTS_SUFFIX, TRGM_SUFFIX
from .resources import resource_dir
from . import tables as _tables  # noqa: F401  (every core table in the metadata Alembic compares)

CORE = "core"


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Keep autogenerate away from what is made at run time: x_ tables, cf_ columns and their indexes, the
    search indexes (SQLite's `<table>__fts*` tables, PostgreSQL's `*_trgm` indexes), the title fields'
    `*_sort` indexes and the `*_filter` indexes made for slow filters (filter_indexes)."""
    if type_ == "table" and ((name or "").startswith("x_") or FTS_SUFFIX in (name or "")):
        return False
    if type_ == "index" and (name or "").endswith((TRGM_SUFFIX, SORT_SUFFIX, FILTER_SUFFIX)):
        return False
    if type_ == "column" and (name or "").startswith("cf_"):
        return False
    if type_ in ("index", "unique_constraint") and any(c.name.startswith("cf_") for c in obj.columns):
        return False
    return True


def config_for(records: dict[str, PluginRecord], connection: Connection | None = None) -> Config:
    """An Alembic config whose version path holds the core and every loaded plugin."""
    root = resource_dir("migrations")
    locations = [str(root / "versions")]
    for record in records.values():
        if _usable(records, record.name) and record.plugin and record.plugin.migrations_path:
            locations.append(str(record.plugin.migrations_path))
    cfg = Config(stdout=io.StringIO())
    cfg.set_main_option("script_location", str(root).replace("%", "%%"))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(locations).replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _usable(records: dict[str, PluginRecord], name: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether the plugin and everything it requires loaded: its branch may `depends_on` their revisions,
    and Alembic fails on a revision it cannot find, which would stop every other plugin's migrations too."""
    record = records.get(name)
    if record is None or not record.ok or name in seen:
        return record is not None and record.ok
    return all(_usable(records, dep, seen | {name}) for dep in record.requires)


_SCRIPTS: dict[tuple[str, tuple[tuple[str, int, int], ...]], ScriptDirectory] = {}


def _stamp(locations: str) -> tuple[tuple[str, int, int], ...]:
    """Each migration file of `locations` with its modification time and size."""
    found = []
    for location in locations.split(os.pathsep):
        with os.scandir(location) as entries:
            found += [(e.path, e.stat().st_mtime_ns, e.stat().st_size) for e in entries if e.name.endswith(".py")]
    return tuple(sorted(found))


def script_of(records: dict[str, PluginRecord]) -> ScriptDirectory:
    """The revisions of the core and the loaded plugins, read once per process while their files stay the same.

    Alembic reads a version folder by executing every migration file in it, a
    second or so for the core and two plugins; an app is built many times in
    one process (the tests, `trato` commands that build it twice).
    """
    locations = str(config_for(records).get_main_option("version_locations"))
    key = (locations, _stamp(locations))
    script = _SCRIPTS.get(key)
    if script is None:
        script = _SCRIPTS[key] = ScriptDirectory.from_config(config_for(records))
    return script


def core_head() -> str:
    """The core's newest revision: what a new plugin branch `depends_on`."""
    return str(script_of({}).get_revisions(f"{CORE}@head")[0].revision)


def _has_branch(script: ScriptDirectory, name: str) -> bool:
    try:
        script.get_revisions(f"{name}@head")
    except CommandError:
        return False
    return True


def has_branch(records: dict[str, PluginRecord], name: str) -> bool:
    return _has_branch(script_of(records), name)


def _run(conn: Connection, records: dict[str, PluginRecord], action: str, target: str) -> None:
    cfg = config_for(records, conn)
    try:
        getattr(command, action)(cfg, target)
    except CommandError as exc:
        message = str(exc)
        if "Can't locate revision" in message:
            message += (" — the database holds a revision that no installed plugin provides; "
                        "reinstall the plugin that added it (see `trato db current`)")
        raise MigrationError(f"{target}: {message}") from None
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise MigrationError(
            f"a migration towards {target} failed and was rolled back: {detail}"
        ) from exc


def upgrade(conn: Connection, records: dict[str, PluginRecord], plugins: Iterable[str]) -> None:
    """Upgrade the core, then each named plugin's branch, inside `conn`'s transaction (nothing to do when the
    database is at every head already)."""
    script = script_of(records)
    targets = [CORE, *(name for name in plugins if _has_branch(script, name))]
    at = current(conn)
    if all({r.revision for r in script.get_revisions(f"{t}@head")} <= at for t in targets):
        return
    for target in targets:
        _run(conn, records, "upgrade", f"{target}@head")


def apply(conn: Connection, records: dict[str, PluginRecord], step: Step) -> None:
    """Upgrade to one revision (from `pending`), inside `conn`'s transaction: a failure names that revision."""
    _run(conn, records, "upgrade", step.revision)


def downgrade(conn: Connection, records: dict[str, PluginRecord], target: str) -> None:
    _run(conn, records, "downgrade", target)


def current(conn: Connection) -> set[str]:
    return set(MigrationContext.configure(conn).get_current_heads())


@dataclass(frozen=True)
class Step:
    revision: str
    branch: str
    message: str


def _branch_of(script: ScriptDirectory, rev: Any) -> str:
    labels = set(rev.branch_labels)
    while not labels and rev.down_revision:
        down = rev.down_revision if isinstance(rev.down_revision, str) else rev.down_revision[0]
        rev = script.get_revision(down)
        labels = set(rev.branch_labels)
    return sorted(labels)[0] if labels else "?"


def unknown_revisions(conn: Connection, records: dict[str, PluginRecord]) -> list[str]:
    """The revisions the database is at that no installed package provides (a plugin's newer version migrated it)."""
    if not inspect(conn).has_table("alembic_version"):
        return []
    script = script_of(records)
    unknown = []
    for head in sorted(current(conn)):
        try:
            script.get_revision(head)
        except (CommandError, RevisionError):
            unknown.append(head)
    return unknown


def refuse_unknown(conn: Connection, records: dict[str, PluginRecord]) -> None:
    """A `MigrationError` naming the revisions no installed package provides, which nothing can be computed from."""
    unknown = unknown_revisions(conn, records)
    if unknown:
        raise MigrationError(
            f"the database is at revision {', '.join(unknown)}, which no installed package provides: a newer "
            "version of Trato or of a plugin migrated it; install that version again (`trato db current` lists "
            "the revisions)")


def pending(conn: Connection, records: dict[str, PluginRecord], plugins: Iterable[str]) -> list[Step]:
    """What `upgrade` would run, oldest first; a `MigrationError` when the database is at a revision unknown here."""
    refuse_unknown(conn, records)
    script = script_of(records)
    heads = current(conn) if inspect(conn).has_table("alembic_version") else set()
    applied: set[str] = set()
    for head in heads:
        applied.update(r.revision for r in script.iterate_revisions(head, "base"))
    steps: list[Step] = []
    seen: set[str] = set()
    for target in [CORE, *plugins]:
        try:
            revs = list(script.iterate_revisions(f"{target}@head", "base"))
        except CommandError:
            continue
        for rev in reversed(revs):
            if rev.revision not in applied and rev.revision not in seen:
                seen.add(rev.revision)
                steps.append(Step(rev.revision, _branch_of(script, rev), rev.doc or ""))
    return steps


def history(records: dict[str, PluginRecord]) -> list[Step]:
    script = script_of(records)
    return [Step(r.revision, _branch_of(script, r), r.doc or "") for r in script.walk_revisions()]


def is_initialised(engine: Engine) -> bool:
    with engine.connect() as conn:
        return inspect(conn).has_table("alembic_version") and bool(current(conn))
