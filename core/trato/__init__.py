"""Trato: the public names a plugin may import.

Anything not listed in `__all__` is internal and may change without notice;
docs/plugin-guide.md documents each of these.
"""
from .app import CORE_VERSION as __version__
from .app import create_app
from .db import Base, engine, session
from .errors import TratoError
from .hooks import Plugin, hookimpl, hookspec
from .jobs import JobContext, TaskRegistry, crontab, submit
from .ui import Fragment, NavItem

__all__ = [
    "Base",
    "Fragment",
    "JobContext",
    "NavItem",
    "Plugin",
    "TaskRegistry",
    "TratoError",
    "__version__",
    "create_app",
    "crontab",
    "engine",
    "hookimpl",
    "hookspec",
    "session",
    "submit",
]
