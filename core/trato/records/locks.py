"""Record locks and vetoes: what refuses a change, a delete or a purge before anything is written.

A record is locked when its entity says so (`EntityInfo(locked=...)`, or a
custom entity's lock rule set by an admin) or when a plugin's `record_lock`
hook gives a reason (a plugin locking another plugin's records). A locked
record refuses update, delete and purge through every path, since every path
goes through the record service or the purge; only its entity's
`unlocked_fields` may still change (an issued invoice's "paid" status).
Whether a record is locked is read from it as stored before the change, so
the save that issues an invoice goes through and every later one is refused.

Independently of locks, the `before_delete` hook may veto a delete or a
purge with a message, as `before_save` vetoes a save. Records an entity
keeps (`EntityInfo(keep=...)`) are never purged by the retention job.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select

from .. import db
from ..entities import Entity, UnknownEntity
from ..i18n import _
from .common import entity_of, hook
from .data import RecordData
from .errors import RecordLocked, SaveRefused

UPDATE, DELETE, PURGE = "update", "delete", "purge"


def reason(entity: Entity, record: Mapping[str, Any], record_lock: Any = None) -> str | None:
    """Why `record` of `entity` is locked, or None: the entity's own rule first, then the plugins'.

    Pass `record_lock` (the hook, from `hook("record_lock")`) when checking many
    records, so that it is looked up once.
    """
    if entity.locked is not None:
        found = entity.locked(record)
        if found:
            return str(found)
    caller = hook("record_lock") if record_lock is None else record_lock
    if caller:
        for found in caller(entity=entity.name, record=record):
            if found:
                return str(found)
    parent = getattr(entity, "parent", None)
    if parent and record.get("parent_id"):  # a line of a locked document is locked with it
        return _parent_reason(parent, record["parent_id"], caller)
    return None


def _parent_reason(parent: str, parent_id: int, record_lock: Any) -> str | None:
    """Why the record `parent_id` of `parent` (a line's document) is locked, or None."""
    try:
        entity = entity_of(parent)
    except UnknownEntity:
        return None
    table = entity.table
    row = db.session().execute(select(table).where(table.c.id == parent_id)).mappings().first()
    return None if row is None else reason(entity, RecordData.of(entity, row), record_lock)


def is_locked(entity: Entity, record: Mapping[str, Any]) -> bool:
    """Whether `record` is locked (see `reason`)."""
    return reason(entity, record) is not None


def _refusal(entity: Entity, record: RecordData, why: str, action: str) -> RecordLocked:
    name = entity.title_of(record)
    if action == UPDATE and entity.unlocked_fields:
        labels = ", ".join(entity.fields[n].text for n in entity.unlocked_fields if n in entity.fields)
        message = _("%(entity)s “%(name)s” is locked (%(reason)s): only %(fields)s may change.",
                    entity=entity.text, name=name, reason=why, fields=labels)
    elif action == UPDATE:
        message = _("%(entity)s “%(name)s” is locked (%(reason)s) and cannot be changed.",
                    entity=entity.text, name=name, reason=why)
    elif action == DELETE:
        message = _("%(entity)s “%(name)s” is locked (%(reason)s) and cannot be deleted.",
                    entity=entity.text, name=name, reason=why)
    else:
        message = _("%(entity)s “%(name)s” is locked (%(reason)s) and cannot be purged.",
                    entity=entity.text, name=name, reason=why)
    return RecordLocked(message, entity.name, record.id, why)


def check_change(entity: Entity, before: RecordData, changed: Iterable[str], record_lock: Any = None) -> None:
    """RecordLocked if `before` is locked and the change touches a field beyond its `unlocked_fields`."""
    touched = set(changed) - set(entity.unlocked_fields)
    if not touched:
        return
    why = reason(entity, before, record_lock)
    if why is not None:
        raise _refusal(entity, before, why, UPDATE)


def check_delete(entity: Entity, records: Sequence[RecordData], user: Any, action: str = DELETE) -> None:
    """RecordLocked for the first locked record, SaveRefused for the first a `before_delete` hook vetoes."""
    record_lock, before_delete = hook("record_lock"), hook("before_delete", entity)
    for record in records:
        why = reason(entity, record, record_lock)
        if why is not None:
            raise _refusal(entity, record, why, action)
        veto = vetoed(before_delete, entity, record, user)
        if veto is not None:
            raise SaveRefused(veto)


def vetoed(before_delete: Any, entity: Entity, record: RecordData, user: Any) -> str | None:
    """The first message a `before_delete` hook refuses `record` with, or None."""
    if before_delete is None:
        return None
    for refusal in before_delete(entity=entity.name, record=record, user=user):
        if refusal:
            return str(refusal)
    return None


def kept(entity: Entity, record: Mapping[str, Any]) -> bool:
    """Whether the retention job must leave `record` in the recycle bin (`EntityInfo.keep`)."""
    keep = entity.keep
    return bool(keep(record)) if callable(keep) else bool(keep)


def purgeable(entity: Entity, records: Sequence[RecordData]) -> list[int]:
    """The ids of `records` the retention job may purge: not kept, not locked, not vetoed by `before_delete`."""
    record_lock, before_delete = hook("record_lock"), hook("before_delete", entity)
    return [r.id for r in records if not kept(entity, r) and reason(entity, r, record_lock) is None
            and vetoed(before_delete, entity, r, None) is None]
