"""The per-app plugin host: one pluggy manager, the enabled set, and its refresh.

Every loadable plugin is registered in the manager once per process, so that
its blueprints, tasks and commands exist in every worker; runtime hook calls
go through a subset caller that leaves disabled plugins out. Which plugins are
enabled lives in the database, and a counter there tells each worker to
re-read it, so enabling takes effect in every process without a restart.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pluggy
from flask import Flask, abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import specs
from .discovery import PluginRecord
from .markers import PROJECT

log = logging.getLogger("trato.hooks")


def dependency_order(records: dict[str, PluginRecord], names: Iterable[str]) -> list[str]:
    """`names` sorted so that every plugin comes after the ones it requires."""
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in seen:
            return
        if name in trail:
            raise ValueError(f"plugins require each other in a circle: {' -> '.join(trail + (name,))}")
        for dep in records[name].requires if name in records else ():
            if dep in wanted:
                visit(dep, trail + (name,))
        seen.add(name)
        ordered.append(name)

    wanted = set(names)
    for name in sorted(wanted):
        visit(name, ())
    return ordered


class EnabledHooks:
    """`host.hook.<name>(...)` calls only the enabled plugins' implementations."""

    def __init__(self, host: PluginHost) -> None:
        self._host = host
        self._cache: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        caller = self._cache.get(name)
        if caller is None:
            disabled = [r.hooks for r in self._host.loaded.values() if r.name not in self._host.enabled]
            caller = self._host.pm.subset_hook_caller(name, remove_plugins=disabled)
            self._cache[name] = caller
        return caller


class PluginHost:
    """What one Flask app knows about plugins."""

    def __init__(self, records: dict[str, PluginRecord], trace: bool = False) -> None:
        self.records = records
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(specs)
        for record in self.loaded.values():
            if record.hookspecs:
                self.pm.add_hookspecs(record.hookspecs)
        for record in self.loaded.values():
            self.pm.register(record.hooks, name=record.name)
        self.pm.check_pending()
        if trace:
            self.pm.trace.root.setwriter(log.info)
            self.pm.enable_tracing()
        self.enabled: frozenset[str] = frozenset()
        self.seen_counter: int | None = None
        self.hook = EnabledHooks(self)
        self.blueprint_owner: dict[str, str] = {}

    @property
    def loaded(self) -> dict[str, PluginRecord]:
        return {n: r for n, r in self.records.items() if r.ok}

    @property
    def all_hooks(self) -> Any:
        """Hooks of every loaded plugin, for once-per-process set-up."""
        return self.pm.hook

    def is_enabled(self, name: str) -> bool:
        return name in self.enabled

    def set_enabled(self, names: Iterable[str], counter: int | None) -> None:
        self.enabled = frozenset(n for n in names if n in self.loaded)
        self.seen_counter = counter
        self.hook = EnabledHooks(self)

    def load_enabled(self, session: Session, counter: int | None) -> None:
        from ..models import PluginState

        names = session.scalars(select(PluginState.name).where(PluginState.enabled.is_(True)))
        self.set_enabled(names, counter)

    def enabled_in_order(self) -> list[str]:
        return dependency_order(self.records, self.enabled)

    def register_blueprints(self, app: Flask) -> None:
        """Mount every loaded plugin's blueprints, answering 404 while disabled."""
        for impl in self.all_hooks.blueprints.get_hookimpls():
            owner = impl.plugin_name
            for bp in impl.function() or []:
                if bp.name != owner and not bp.name.startswith(owner + "_"):
                    self.records[owner].error = (
                        f"blueprint {bp.name!r} must be named {owner!r} or start with {owner + '_'!r}"
                    )
                    continue
                self.blueprint_owner[bp.name] = owner
                app.register_blueprint(bp)

    def guard_request(self, blueprint: str | None) -> None:
        """Answer 404 for a disabled plugin's routes (called before each request)."""
        owner = self.blueprint_owner.get((blueprint or "").split(".")[0])
        if owner is not None and not self.is_enabled(owner):
            abort(404)
