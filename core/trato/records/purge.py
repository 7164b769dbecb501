"""Emptying the recycle bin: the only code that removes record rows.

The periodic task removes what was deleted longer ago than the retention
period (`recycle_retention_days`); an administrator may purge one record at
once from the recycle bin. Neither removes a locked record, nor one a
`before_delete` hook vetoes (records/locks.py); the job also leaves the
records their entity keeps (`EntityInfo.keep`). Each removed record gets a "purge" audit entry
(its earlier history stays). Relation fields elsewhere that point to a
purged record are emptied first, with an "update" entry, since a built-in
relation column carries a foreign key; so are links (`record_link` fields)
of every entity that point to it.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Session

from .. import db
from ..entities import Entity
from ..i18n import _
from ..models import utcnow
from . import audit
from .common import entity_of, hook, user_id
from .data import RecordData
from .errors import RecordError, RecordNotFound
from .links import clear_links
from .locks import PURGE, check_delete, purgeable
from .restorable import relation_fields

BATCH = 500


class PurgeRefused(RecordError):
    """Only administrators (and the system) purge records by hand."""


def _clear_references(session: Session, target: Entity, ids: Sequence[int], uid: int | None, now: datetime
                      ) -> list[dict[str, Any]]:
    """Empty the relation fields that point to `ids`; their audit rows."""
    entries, purged = [], set(ids)
    for entity in current_app.extensions["trato"].entities.all():
        for field in relation_fields(entity):
            if field.type.target(field) != target.name:
                continue
            table, column = entity.table, entity.table.c[field.name]
            pointing = session.execute(select(table.c.id, column).where(column.in_(ids))).all()
            if not pointing:
                continue
            session.execute(update_rows(table).where(column.in_(ids))
                            .values({column: None, table.c.version: table.c.version + 1,
                                     table.c.updated_by: uid, table.c.updated_at: now}))
            entries += [{"action": audit.UPDATE, "entity": entity.name, "record_id": rid, "user_id": uid, "at": now,
                         "changes": {field.name: [old, None]}}
                        for rid, old in pointing if not (entity is target and rid in purged)]
    return entries


def _remove(session: Session, entity: Entity, ids: Sequence[int], user: Any) -> int:
    """Remove these records of the recycle bin for good, with their audit rows."""
    now, uid, table = utcnow(), user_id(user), entity.table
    entries = _clear_references(session, entity, ids, uid, now) + clear_links(session, entity, ids, uid, now)
    gone = session.scalars(delete(table).where(table.c.id.in_(ids), table.c.deleted_at.is_not(None))
                           .returning(table.c.id)).all()
    purged = hook("records_purged")
    if purged and gone:
        purged(entity=entity.name, ids=list(gone), session=session)
    entries += [{"action": audit.PURGE, "entity": entity.name, "record_id": rid, "user_id": uid, "at": now,
                 "changes": {}} for rid in gone]
    audit.write(session, entries)
    return len(gone)


def purge_expired(older_than_days: int) -> dict[str, int]:
    """Remove every record deleted more than `older_than_days` ago, entity by entity, a batch per commit.

    Returns how many records of each entity were removed (entities with none are left out).
    """
    cutoff = utcnow() - timedelta(days=older_than_days)
    session = db.session()
    removed: dict[str, int] = {}
    for entity in current_app.extensions["trato"].entities.all():
        table = entity.table
        after = 0  # the batches walk the ids up: records left in the bin (kept, locked) are not read again
        while rows := session.execute(select(table).where(table.c.deleted_at < cutoff, table.c.id > after)
                                      .order_by(table.c.id).limit(BATCH)).mappings().all():
            after = rows[-1]["id"]
            ids = purgeable(entity, RecordData.of_rows(entity, rows))
            if ids:
                removed[entity.name] = removed.get(entity.name, 0) + _remove(session, entity, ids, None)
            session.commit()
    return removed


def purge_record(entity: str | Entity, record_id: int, *, user: Any) -> None:
    """Remove one record of the recycle bin now; administrators only. RecordNotFound if it is not in the bin,
    RecordLocked if it is locked, SaveRefused if a `before_delete` hook vetoes it."""
    if user is not None and not getattr(user, "is_admin", False):
        raise PurgeRefused(_("Only administrators may purge records."))
    e = entity_of(entity)
    session = db.session()
    try:
        table = e.table
        row = session.execute(select(table).where(table.c.id == record_id, table.c.deleted_at.is_not(None))
                              ).mappings().first()
        if row is not None:
            check_delete(e, [RecordData.of(e, row)], user, PURGE)  # RecordLocked, or a `before_delete` veto
        if not _remove(session, e, [record_id], user):
            raise RecordNotFound(e.name, [record_id])
        session.commit()
    except BaseException:
        session.rollback()
        raise
