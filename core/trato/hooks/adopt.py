"""Bring plugins into a running app: at start-up, and when pip installed new ones.

A plugin installed while the server runs is found by a rescan (the admin's
plugins screen, `trato plugins ...`, or a worker that sees another process
enable a plugin it does not know). Its blueprints, tasks and catalogue are
added to the live app, so enabling it needs no restart.
"""
from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable

from flask import Flask
from flask_babel import get_domain

from ..jobs import TaskRegistry
from .commands import register_commands
from .discovery import discover

_rescan_lock = threading.Lock()


def adopt(app: Flask, names: Iterable[str]) -> None:
    """Mount the blueprints and API endpoints and register the tasks of the loaded plugins `names`."""
    state = app.extensions["trato"]
    host = state.plugins
    wanted = {n for n in names if n in host.loaded}
    from ..api import endpoints  # the API's rules, mounted as the blueprints are

    with app.late_setup():  # type: ignore[attr-defined]
        host.register_blueprints(app, wanted)
        endpoints.mount(app, host, wanted)
    register_commands(app, host, wanted)
    for impl in host.all_hooks.register_tasks.get_hookimpls():
        if impl.plugin_name in wanted:
            impl.function(tasks=TaskRegistry(app, state.huey, impl.plugin_name, state.tasks))


def rescan(app: Flask) -> list[str]:
    """Look for plugins installed since start-up; adopt them and return their names."""
    from ..app import CORE_VERSION

    state = app.extensions["trato"]
    host = state.plugins
    with _rescan_lock:
        importlib.invalidate_caches()
        found = discover(CORE_VERSION, host.extra)
        new = {name: record for name, record in found.items() if name not in host.records}
        if not new:
            return []
        host.add_records(new)
        babel = app.extensions["babel"]
        for record in new.values():
            if record.ok and record.plugin and record.plugin.translations_path:
                babel.translation_directories.append(str(record.plugin.translations_path))
        get_domain().cache.clear()
        adopt(app, new)
    return sorted(new)
