"""Trato: the public names a plugin may import.

Anything not listed in `__all__` is internal and may change without notice;
docs/plugin-guide.md documents each of these.
"""
from . import access, directory, records
from .access import PermissionRefused
from .app import CORE_VERSION as __version__
from .app import create_app
from .db import Base, engine, session
from .entities import EntityInfo, Record, record_columns
from .errors import TratoError
from .fields import FieldType, FieldValueError, Money, Option, field
from .hooks import Plugin, hookimpl, hookspec
from .jobs import JobContext, TaskRegistry, crontab, submit
from .records import (
    Change, QueryError, RecordData, RecordNotFound, SaveRefused, StaleRecord, ValidationFailed,
)
from .ui import Fragment, NavItem

__all__ = [
    "Base",
    "Change",
    "EntityInfo",
    "FieldType",
    "FieldValueError",
    "Fragment",
    "JobContext",
    "Money",
    "NavItem",
    "Option",
    "PermissionRefused",
    "Plugin",
    "QueryError",
    "Record",
    "RecordData",
    "RecordNotFound",
    "SaveRefused",
    "StaleRecord",
    "TaskRegistry",
    "TratoError",
    "ValidationFailed",
    "__version__",
    "access",
    "create_app",
    "directory",
    "crontab",
    "engine",
    "field",
    "hookimpl",
    "hookspec",
    "record_columns",
    "records",
    "session",
    "submit",
]
