"""Enable, disable and purge plugins: each one transaction, all or nothing.

Enabling runs the plugin's migrations and marks it enabled in the same
transaction, so a failing migration leaves the plugin disabled and its schema
as it was. Every change bumps the `plugins` counter, which every worker
checks before each request.
"""
from __future__ import annotations

from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import counters, migrate, search
from ..schema import lock as schema_lock
from ..entities.meta import EntityRow, FieldRow
from ..errors import PluginError
from ..models import PluginState, utcnow
from ..search.indexes import drop_fts
from .adopt import rescan
from .host import PluginHost, dependency_order


def _host(app: Flask) -> PluginHost:
    return app.extensions["trato"].plugins


def _record_or_error(host: PluginHost, name: str):  # type: ignore[no-untyped-def]
    record = host.records.get(name)
    if record is None:
        known = ", ".join(sorted(host.records)) or "none"
        raise PluginError(f"no plugin called {name!r} is installed (installed: {known})")
    if not record.ok:
        raise PluginError(f"plugin {name!r} is broken and cannot be enabled: {record.error}")
    return record


def _closure(host: PluginHost, name: str) -> list[str]:
    """`name` and every plugin it needs, transitively, or a clear refusal."""
    needed: list[str] = []
    stack = [name]
    while stack:
        current = stack.pop()
        if current in needed:
            continue
        record = host.records.get(current)
        if record is None:
            raise PluginError(f"plugin {name!r} requires {current!r}, which is not installed; "
                              f"pip install trato-{current}")
        if not record.ok:
            raise PluginError(f"plugin {name!r} requires {current!r}, which is broken: {record.error}")
        needed.append(current)
        stack.extend(record.requires)
    return needed


def _save_state(session: Session, names: list[str], enabled: bool) -> None:
    for n in names:
        row = session.get(PluginState, n)
        if row is None:
            session.add(PluginState(name=n, enabled=enabled, changed_at=utcnow()))
        else:
            row.enabled = enabled
            row.changed_at = utcnow()
    session.flush()


def enable(app: Flask, name: str) -> list[str]:
    """Enable `name` and whatever it requires; return the plugins newly enabled."""
    host = _host(app)
    if name not in host.records:
        rescan(app)  # installed after this process started
    _record_or_error(host, name)
    new = [n for n in dependency_order(host.records, _closure(host, name)) if n not in host.enabled]
    if not new:
        return []
    before = host.enabled
    engine = app.extensions["trato"].engine
    try:
        with engine.begin() as conn:
            schema_lock.take(conn)  # another process enabling the same plugin waits, then finds it enabled
            with Session(bind=conn) as session:
                new = [n for n in new if n not in host.enabled_in_database(session)]
            if not new:
                return []
            migrate.upgrade(conn, host.records, new)
            with Session(bind=conn) as session:
                _save_state(session, new, True)
                value = counters.bump(session, counters.PLUGINS)
                host.set_enabled(before | set(new), value)
                for n in new:
                    host.hook.plugin_enabled(name=n, session=session)
                session.flush()
    except Exception:
        host.set_enabled(before, None)
        raise
    search.sync_all(app.extensions["trato"])
    return new


def enabled_dependents(host: PluginHost, name: str) -> list[str]:
    return sorted(n for n in host.enabled if name in host.records[n].requires)


def disable(app: Flask, name: str) -> None:
    """Hide `name` (routes, menu, hooks) everywhere; its data stays."""
    host = _host(app)
    if name not in host.records:
        raise PluginError(f"no plugin called {name!r} is installed")
    if name not in host.enabled:
        raise PluginError(f"plugin {name!r} is not enabled")
    dependents = enabled_dependents(host, name)
    if dependents:
        raise PluginError(f"plugin {name!r} is required by {', '.join(dependents)}; disable those first")
    host.hook.plugin_disabled(name=name)
    with app.extensions["trato"].sessionmaker() as session, session.begin():
        _save_state(session, [name], False)
        value = counters.bump(session, counters.PLUGINS)
    host.set_enabled(host.enabled - {name}, value)


def _tables_of(app: Flask, name: str) -> list[str]:
    """The entity tables of plugin `name`."""
    return [table for table, (owner, _model) in app.extensions["trato"].entities.models.items() if owner == name]


def _forget_fields(session: Session, app: Flask, name: str) -> None:
    """Drop the metadata of the custom fields on `name`'s entities, whose columns went with its tables.

    Left behind, they would name columns that a re-enabled plugin's new
    tables do not have.
    """
    tables = _tables_of(app, name)
    if not tables or not session.scalar(select(EntityRow.name).where(EntityRow.name.in_(tables)).limit(1)):
        return
    session.execute(delete(FieldRow).where(FieldRow.entity.in_(tables)))
    session.execute(delete(EntityRow).where(EntityRow.name.in_(tables)))
    counters.bump(session, counters.SCHEMA)


def purge(app: Flask, name: str) -> bool:
    """Drop a disabled plugin's tables by downgrading its branch to base, and its entities' custom fields.

    Return whether there was anything to delete (its tables or its state); a database at a revision no installed
    package provides is refused (`MigrationError`), since the tables that revision made cannot be known.
    """
    host = _host(app)
    record = host.records.get(name)
    if record is None or not record.ok:
        raise PluginError(f"plugin {name!r} is not installed or is broken; its migrations are needed to purge it")
    if name in host.enabled:
        raise PluginError(f"plugin {name!r} is enabled; disable it before purging its data")
    with app.extensions["trato"].sessionmaker() as session:
        known = set(session.scalars(select(PluginState.name)))
    holders = sorted(n for n in known if n != name and name in host.records.get(n, record).requires)
    if holders:
        raise PluginError(f"plugins {', '.join(holders)} keep data that depends on {name!r}; purge them first")
    engine = app.extensions["trato"].engine
    with engine.begin() as conn:
        migrate.refuse_unknown(conn, host.records)
        applied = migrate.has_branch(host.records, name) and _branch_applied(conn, host, name)
        if applied:
            if conn.dialect.name == "sqlite":  # FTS5 tables and triggers sit outside the plugin's migrations
                for table in _tables_of(app, name):
                    drop_fts(conn, table)
            migrate.downgrade(conn, host.records, f"{name}@base")
        with Session(bind=conn) as session:
            had_state = session.execute(delete(PluginState).where(PluginState.name == name)).rowcount > 0
            _forget_fields(session, app, name)
            counters.bump(session, counters.PLUGINS)
            session.flush()
    return bool(applied or had_state)


def _branch_applied(conn, host: PluginHost, name: str) -> bool:  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.config_for(host.records))
    own = {r.revision for r in script.iterate_revisions(f"{name}@head", "base")}
    return bool(own & migrate.current(conn))
