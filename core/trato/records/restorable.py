"""Before a record leaves the recycle bin: the records its relation fields point to must be live.

A deal restored while its account stays in the bin would point at a record
nobody can open; the restore is refused with the name of the record to
restore first. Records restored in the same call count as live.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import access
from ..entities import Entity, UnknownEntity
from ..fields import RelationType, UserType
from ..i18n import _
from .data import RecordData
from .errors import RestoreBlocked


def relation_fields(entity: Entity) -> list[Any]:
    """The fields pointing to records of an entity (users are not records: they are never binned; a line's
    parent is its own: the line goes with it)."""
    return [f for f in entity.fields.values()
            if isinstance(f.type, RelationType) and not isinstance(f.type, UserType) and not f.system]


def check_restorable(session: Session, entity: Entity, records: Mapping[int, RecordData], user: Any) -> None:
    """Raise RestoreBlocked for the first record whose related record is in the recycle bin."""
    registry = current_app.extensions["trato"].entities
    for field in relation_fields(entity):
        target_name = field.type.target(field)
        wanted = {r[field.name] for r in records.values() if r.get(field.name) is not None}
        if target_name == entity.name:
            wanted -= set(records)  # restored together
        if not wanted:
            continue
        try:
            target = registry.get(target_name)
        except UnknownEntity:
            continue  # the target's plugin is off: nothing to restore first
        table = target.table
        binned = set(session.scalars(select(table.c.id).where(table.c.id.in_(wanted), table.c.deleted_at.is_not(None))))
        for record in records.values():
            if record.get(field.name) in binned:
                _refuse(session, entity, record, field, target, record[field.name], user)


def _refuse(session: Session, entity: Entity, record: RecordData, field: Any, target: Entity, target_id: int,
            user: Any) -> None:
    """Name the record to restore first, by its title when the user may see it."""
    table = target.table
    row = session.execute(access.scope(select(table).where(table.c.id == target_id), target, user)).mappings().first()
    name = target.title_of(access.without_hidden(user, target, target.values(row))) if row else f"#{target_id}"
    message = _("Restore %(entity)s “%(name)s” first: this record's field %(field)s points to it, and it is in "
                "the recycle bin.", entity=target.text.lower(), name=name, field=field.text)
    raise RestoreBlocked(entity.name, record.id, field.name, target.name, target_id, message)
