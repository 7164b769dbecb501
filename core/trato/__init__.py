"""Trato: the public names a plugin may import.

Anything not listed in `__all__` is internal and may change without notice;
docs/plugin-guide.md documents each of these.
"""
from . import (
    access, calendars, companies, currencies, directory, documents, extras, fields, mail, migration, numbering,
    pages, privacy, records, roles,
)
from .access import PermissionRefused
from .app import CORE_VERSION as __version__
from .app import create_app
from .api.actions import ApiAction
from .api.endpoints import ApiCall, ApiEndpoint
from .db import Base, engine, session
from .demo import DemoOwner, demo_owners
from .entities import EntityInfo, Record, line_columns, record_columns
from .errors import TratoError
from .fields import FieldType, FieldValueError, Money, Option, RecordLink, field
from .hooks import Plugin, for_entities, hookimpl, hookspec
from .hooks.calls import call_hook
from .jobs import JobContext, TaskRegistry, crontab, submit
from .records import (
    Change, QueryError, RecordData, RecordLocked, RecordNotFound, SaveRefused, StaleRecord, ValidationFailed,
)
from .ui import Fragment, NavItem
from .views.versions import posted_version, stale_message

__all__ = [
    "ApiAction",
    "ApiCall",
    "ApiEndpoint",
    "Base",
    "Change",
    "DemoOwner",
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
    "RecordLink",
    "RecordLocked",
    "RecordNotFound",
    "SaveRefused",
    "StaleRecord",
    "TaskRegistry",
    "TratoError",
    "ValidationFailed",
    "__version__",
    "access",
    "calendars",
    "call_hook",
    "companies",
    "currencies",
    "create_app",
    "crontab",
    "demo_owners",
    "documents",
    "mail",
    "directory",
    "engine",
    "extras",
    "field",
    "fields",
    "for_entities",
    "hookimpl",
    "hookspec",
    "line_columns",
    "migration",
    "numbering",
    "pages",
    "posted_version",
    "privacy",
    "record_columns",
    "records",
    "roles",
    "session",
    "stale_message",
    "submit",
]
