"""The metadata object a plugin's entry point names."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
# Words the core uses for its tables, URLs and `trato` sub-commands; a plugin
# so named would collide with them.
RESERVED = frozenset({
    "core", "admin", "api", "auth", "static", "x", "cf", "trato", "jobs", "i18n", "profile",
    "db", "user", "plugins", "plugin", "init", "run", "demo", "worker", "check", "docs", "shell", "routes",
})


@dataclass(frozen=True)
class Plugin:
    """What a plugin declares about itself.

    `hooks` is the dotted name of the module holding its `@hookimpl`
    functions; `hookspecs` optionally names a module of specifications the
    plugin publishes for other plugins. `core` is a PEP 440 range of core
    versions the plugin supports. The package version comes from the
    distribution's metadata, never from here, so there is one source of truth.
    """

    name: str
    label: Any
    hooks: str
    requires: tuple[str, ...] = ()
    core: str = ">=0.1"
    hookspecs: str | None = None
    description: Any = ""
    package: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "requires", tuple(self.requires))
        if not self.package:
            object.__setattr__(self, "package", self.hooks.split(".")[0])

    def package_path(self) -> Path:
        module = import_module(self.package)
        return Path(module.__file__ or "").parent

    @property
    def migrations_path(self) -> Path | None:
        """Where the plugin's Alembic branch lives: `<package>/migrations/`."""
        path = self.package_path() / "migrations"
        return path if path.is_dir() else None

    @property
    def translations_path(self) -> Path | None:
        path = self.package_path() / "translations"
        return path if path.is_dir() else None

    def load_hooks(self) -> ModuleType:
        return import_module(self.hooks)

    def load_hookspecs(self) -> ModuleType | None:
        return import_module(self.hookspecs) if self.hookspecs else None
