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
from .markers import ENTITIES_ATTR, PROJECT

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
            caller = self._host.pm.subset_hook_caller(name, remove_plugins=self._disabled())
            self._cache[name] = caller
        return caller

    def for_entity(self, name: str, entity: str) -> Any:
        """Hook `name` as called for a record of `entity`: without the plugins whose implementations all
        declared other entities (`for_entities`)."""
        key = f"{name}\0{entity}"
        caller = self._cache.get(key)
        if caller is None:
            elsewhere: dict[object, bool] = {}
            for impl in getattr(self._host.pm.hook, name).get_hookimpls():
                declared = getattr(impl.function, ENTITIES_ATTR, None)
                about_others = declared is not None and entity not in declared
                elsewhere[impl.plugin] = elsewhere.get(impl.plugin, True) and about_others
            skipped = [plugin for plugin, other in elsewhere.items() if other]
            caller = self._host.pm.subset_hook_caller(name, remove_plugins=[*self._disabled(), *skipped])
            self._cache[key] = caller
        return caller

    def _disabled(self) -> list[Any]:
        return [r.hooks for r in self._host.loaded.values() if r.name not in self._host.enabled]


class PluginHost:
    """What one Flask app knows about plugins."""

    def __init__(self, records: dict[str, PluginRecord], trace: bool = False,
                 extra: dict[str, Any] | None = None) -> None:
        self.records: dict[str, PluginRecord] = {}
        self.extra = extra or {}
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(specs)
        self.add_records(records)
        if trace:
            self.pm.trace.root.setwriter(log.info)
            self.pm.enable_tracing()
        self.enabled: frozenset[str] = frozenset()
        self.seen_counter: int | None = None
        self.blueprint_owner: dict[str, str] = {}

    def add_records(self, records: dict[str, PluginRecord]) -> None:
        """Register newly found plugins' specifications and implementations."""
        self.records.update(records)
        fresh = [r for r in records.values() if r.ok]
        for record in fresh:
            if record.hookspecs:
                self.pm.add_hookspecs(record.hookspecs)
        for record in fresh:
            self.pm.register(record.hooks, name=record.name)
        self._drop_unknown_hooks()
        self.hook = EnabledHooks(self)

    def _drop_unknown_hooks(self) -> None:
        """Mark broken (and unregister) a plugin implementing a hook nobody specifies.

        A hook of another plugin is legitimate only with `@hookimpl(optionalhook=True)`,
        since that plugin may be absent.
        """
        while True:
            try:
                self.pm.check_pending()
                return
            except pluggy.PluginValidationError as exc:
                name = self.pm.get_name(exc.plugin) or ""
                self.pm.unregister(exc.plugin)
                if name in self.records:
                    self.mark_broken(name, f"{exc}; mark hooks of other plugins @hookimpl(optionalhook=True)")

    def mark_broken(self, name: str, problem: str) -> None:
        """Report plugin `name` broken for a bad contribution: listed with the reason, never called again."""
        log.error("plugin %s is broken: %s", name, problem)
        self.records[name].error = problem
        if self.pm.has_plugin(name):
            self.pm.unregister(name=name)
        self.hook = EnabledHooks(self)

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

    def enabled_in_database(self, session: Session) -> set[str]:
        from ..models import PluginState

        return set(session.scalars(select(PluginState.name).where(PluginState.enabled.is_(True))))

    def enabled_in_order(self) -> list[str]:
        return dependency_order(self.records, self.enabled)

    def register_blueprints(self, app: Flask, names: set[str]) -> None:
        """Mount the blueprints of plugins `names`; they answer 404 while disabled."""
        for impl in self.all_hooks.blueprints.get_hookimpls():
            owner = impl.plugin_name
            if owner not in names:
                continue
            for bp in impl.function() or []:
                if bp.name != owner and not bp.name.startswith(owner + "_"):
                    self.mark_broken(owner, f"blueprint {bp.name!r} must be named {owner!r} "
                                            f"or start with {owner + '_'!r}")
                    break
                self.blueprint_owner[bp.name] = owner
                app.register_blueprint(bp)

    def guard_request(self, blueprint: str | None) -> None:
        """Answer 404 for a disabled plugin's routes (called before each request)."""
        owner = self.blueprint_owner.get((blueprint or "").split(".")[0])
        if owner is not None and not self.is_enabled(owner):
            abort(404)
