"""The state one Trato app keeps in `app.extensions["trato"]`."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flask import current_app
from huey import Huey
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from . import counters
from .access import AccessPolicy
from .entities import EntityRegistry
from .hooks.host import PluginHost
from .roles.policy import GrantsCache, RolePolicy
from .settings import Settings

log = logging.getLogger("trato")


@dataclass
class TratoState:
    settings: Settings
    engine: Engine
    sessionmaker: sessionmaker[Session]
    plugins: PluginHost
    huey: Huey
    tasks: dict[str, Any] = field(default_factory=dict)
    maintenance: bool = False  # `trato upgrade` is running (counters.MAINTENANCE), as of the last refresh
    # The read replica (setting replica_url), for reads that may lag (replica.py); None without one.
    replica_engine: Engine | None = None
    replica_sessionmaker: sessionmaker[Session] | None = None
    seen: dict[str, int] = field(default_factory=dict)
    # Called with the new value when the `schema` counter moves (entity engine).
    schema_listeners: list[Callable[[int], None]] = field(default_factory=list)
    entities: EntityRegistry = field(init=False)  # set by create_app
    access: AccessPolicy = field(default_factory=RolePolicy)
    grants: GrantsCache = field(default_factory=GrantsCache)

    @cached_property
    def _catching_up(self) -> Engine:
        """The engine the per-request catch-up reads through: without a transaction on PostgreSQL.

        Its reads need no snapshot of their own, and a transaction would cost
        two more round trips (BEGIN, ROLLBACK) on every request. SQLite's
        engine opens its transactions itself (db.py), so it stays as it is.
        """
        if self.engine.dialect.name == "postgresql":
            return self.engine.execution_options(isolation_level="AUTOCOMMIT")
        return self.engine

    def refresh(self) -> bool:
        """Catch up with changes other processes made; False if the database is not set up.

        One read of `core_counter` per call; the plugin set and the entity
        schema are rebuilt only when their counter moved.
        """
        try:
            with self.sessionmaker(bind=self._catching_up) as session:
                values = counters.read_all(session)
                if values.get(counters.PLUGINS) != self.seen.get(counters.PLUGINS):
                    enabled = self.plugins.enabled_in_database(session)
                    if enabled - set(self.plugins.records):
                        from .hooks.adopt import rescan  # another process enabled a newly installed plugin

                        rescan(current_app._get_current_object())  # type: ignore[attr-defined]
                    self.plugins.set_enabled(enabled, values.get(counters.PLUGINS))
                    log.debug("plugins now enabled: %s", ", ".join(sorted(self.plugins.enabled)) or "none")
        except (OperationalError, ProgrammingError) as exc:
            if _no_counters(exc):
                return False
            raise
        self.maintenance = bool(values.get(counters.MAINTENANCE))
        schema = values.get(counters.SCHEMA)
        if schema != self.seen.get(counters.SCHEMA):
            for listener in self.schema_listeners:
                listener(schema or 0)
        self.seen = values
        return True


def _no_counters(exc: OperationalError | ProgrammingError) -> bool:
    """Whether reading the counters failed because their table is not there (a database never initialised),
    not because of a lock or an outage (the statement's text names the table whatever the failure)."""
    if getattr(exc.orig, "sqlstate", None) == "42P01":  # PostgreSQL's undefined_table
        return True
    return "no such table" in str(exc.orig)
