"""Find installed plugins and decide, for each, whether it can load.

A plugin that fails to import, is not a `Plugin`, misnames itself, or
declares a core range that excludes this core is kept as a broken record with
the reason: it is listed to the admin and skipped, never fatal.
"""
from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from .markers import PROJECT
from .plugin import NAME_RE, RESERVED, Plugin

GROUP = "trato.plugins"
log = logging.getLogger(__name__)


@dataclass
class PluginRecord:
    """One installed plugin as this process sees it."""

    name: str
    version: str
    distribution: str
    plugin: Plugin | None = None
    hooks: ModuleType | None = None
    hookspecs: ModuleType | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def label(self) -> str:
        return str(self.plugin.label) if self.plugin else self.name

    @property
    def requires(self) -> tuple[str, ...]:
        return self.plugin.requires if self.plugin else ()


def _short_error(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" ({last[0].filename}:{last[0].lineno})" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


def check_plugin(plugin: object, name: str, core_version: str) -> str | None:
    """Return why `plugin` cannot load under entry-point `name`, or None."""
    if not isinstance(plugin, Plugin):
        return f"the entry point names a {type(plugin).__name__}, not a trato.Plugin"
    if plugin.name != name:
        return f"the entry point is called {name!r} but the plugin calls itself {plugin.name!r}"
    if not NAME_RE.match(name) or name in RESERVED:
        return f"{name!r} is not a valid plugin name (lower-case letters, digits, _; not a reserved word)"
    try:
        spec = SpecifierSet(plugin.core)
    except InvalidSpecifier:
        return f"core range {plugin.core!r} is not a version range such as '>=0.1,<0.2'"
    if not spec.contains(Version(core_version), prereleases=True):
        return f"needs trato {plugin.core}, this is trato {core_version}"
    return None


def load_record(plugin: Plugin | None, name: str, version: str, dist: str, core_version: str,
                load_error: str | None = None) -> PluginRecord:
    """Validate and import one plugin's modules into a record."""
    record = PluginRecord(name=name, version=version, distribution=dist, plugin=plugin, error=load_error)
    if record.error:
        return record
    record.error = check_plugin(plugin, name, core_version)
    if record.error:
        record.plugin = plugin if isinstance(plugin, Plugin) else None
        return record
    assert plugin is not None
    try:
        record.hookspecs = plugin.load_hookspecs()
        record.hooks = plugin.load_hooks()
        _validate_hooks(record)
    except Exception as exc:  # a plugin's import may raise anything
        record.error = _short_error(exc)
        log.warning("plugin %s is broken: %s", name, record.error)
    return record


def _validate_hooks(record: PluginRecord) -> None:
    """Register into a scratch manager so a bad signature is caught at discovery."""
    from . import specs

    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(specs)
    if record.hookspecs:
        pm.add_hookspecs(record.hookspecs)
    pm.register(record.hooks, name=record.name)


def _from_entry_point(ep: EntryPoint, core_version: str) -> PluginRecord:
    dist = ep.dist
    version = dist.version if dist else "0"
    dist_name = dist.name if dist else "?"
    try:
        plugin = ep.load()
    except Exception as exc:  # import errors of third-party code
        log.warning("plugin %s failed to import: %s", ep.name, exc)
        return load_record(None, ep.name, version, dist_name, core_version, _short_error(exc))
    return load_record(plugin, ep.name, version, dist_name, core_version)


def discover(core_version: str, extra: dict[str, Plugin] | None = None) -> dict[str, PluginRecord]:
    """Every plugin installed in this environment, plus `extra` (used by tests)."""
    found: dict[str, PluginRecord] = {}
    for ep in entry_points(group=GROUP):
        if ep.name in found:
            found[ep.name].error = (f"installed twice ({found[ep.name].distribution} and "
                                    f"{ep.dist.name if ep.dist else '?'})")
            continue
        found[ep.name] = _from_entry_point(ep, core_version)
    for name, plugin in (extra or {}).items():
        found[name] = load_record(plugin, name, "0.0.0", f"(test) {plugin.package}", core_version)
    return found
