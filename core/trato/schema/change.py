"""One schema change: the DDL, the metadata rows and the `schema` counter in one transaction."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from .. import counters, db, search
from ..access import PermissionRefused
from ..entities import EntityRegistry
from ..entities.meta import BUILTIN, EntityRow
from ..i18n import _
from ..models import utcnow
from ..records import sort_indexes
from .ddl import Ddl
from .lock import begin_schema_change

log = logging.getLogger("trato.schema")


@dataclass
class SchemaChange:
    session: Session
    ddl: Ddl


def registry() -> EntityRegistry:
    return current_app.extensions["trato"].entities  # type: ignore[no-any-return]


def require_admin(user: Any) -> None:
    """Fields and entities are an administrator's to change (None is the system: the CLI, tests)."""
    if user is not None and not getattr(user, "is_admin", False):
        raise PermissionRefused(_("Only administrators may change fields and entities."), "customize")


def entity_row(session: Session, name: str) -> EntityRow:
    """The entity's metadata row; a built-in entity gets one with its first custom field."""
    row = session.get(EntityRow, name)
    if row is None:
        row = EntityRow(name=name, kind=BUILTIN, search_fields=[], list_columns=[], revision=0)
        session.add(row)
    return row


@contextmanager
def schema_change(entity: str) -> Iterator[SchemaChange]:
    """Run a change of `entity`'s schema; commit it with a bump of the `schema` counter, or roll all back.

    Every schema change goes through here, and here first takes the schema
    lock (lock.py): the body runs alone, with this process's registry caught
    up, so what it checks (does the field exist? is the option in use?) is
    still true when its DDL runs. After the commit this process rebuilds the
    entity at once; the others do on their next request, when they see the
    counter moved.
    """
    session = db.session()
    begin_schema_change(session)
    try:
        yield SchemaChange(session, Ddl(session.connection()))
        session.flush()
        version = counters.bump(session, counters.SCHEMA)
        row = session.get(EntityRow, entity)
        if row is not None:
            row.revision = version
            row.updated_at = utcnow()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    current_app.extensions["trato"].refresh()
    refresh_search_index(entity)


@contextmanager
def schema_read() -> Iterator[Ddl]:
    """Read what a schema change would (values a deletion loses), under the schema lock; nothing is written."""
    session = db.session()
    begin_schema_change(session)
    try:
        yield Ddl(session.connection())
    finally:
        session.rollback()


def refresh_search_index(entity: str) -> None:
    """Bring the entity's search index, and its title's sort index, in line after the change committed.

    A separate transaction: the indexes only speed lists and search up, so a
    failure here is logged and leaves the change itself in place.
    """
    session = db.session()
    try:
        begin_schema_change(session)
        registry_now = registry()
        if entity not in registry_now:
            session.rollback()
            return
        changed = registry_now.get(entity)
        sort_indexes.sync(session.connection(), [changed])
        if search.sync(session.connection(), [changed]):
            counters.bump(session, counters.SCHEMA)
        session.commit()
    except Exception:
        session.rollback()
        log.exception("could not rebuild the search index of %s", entity)
