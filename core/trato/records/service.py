"""The record service: the only path by which records are written.

Each call checks access, validates through the entity's marshmallow schema,
applies optimistic locking (`version`), writes the audit history, calls the
lifecycle hooks and commits once. Bulk calls are all or nothing.
`user=None` means the system (jobs, demo data), which the policy lets do
everything; pass the signed-in user otherwise.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import update as update_rows

from .. import access, db
from ..entities import Entity
from ..models import utcnow
from . import audit
from .common import (
    audit_row, changes, columns, created, entity_of, fetch, hook, inserted, load_all, refuse_if_told, single,
    user_id, writable,
)
from .data import Change, RecordData
from .errors import StaleRecord
from .filters import by_column_names
from .lines import LINES, compute_totals, current_lines, loaded_with, prepare
from .locks import check_change, check_delete
from .restorable import check_restorable
from .work import transaction


def get(entity: str | Entity, record_id: int, *, user: Any, deleted: bool = False) -> RecordData:
    """One record the user may see (from the recycle bin with `deleted`), or RecordNotFound."""
    e = entity_of(entity)
    access.check(user, e, "view")
    return fetch(db.session(), e, [record_id], user, deleted)[record_id]


def bulk_create(entity: str | Entity, rows: Sequence[Mapping[str, Any]], *, user: Any) -> list[RecordData]:
    """Create records from field values; ValidationFailed's errors are keyed by row index."""
    e = entity_of(entity)
    access.check(user, e, "create")
    with transaction() as session:
        given = [(index, by_column_names(e, row)) for index, row in enumerate(rows)]
        own, plans, line_errors = prepare(session, e, given, user, None)
        loaded = loaded_with(line_errors, lambda: load_all(session, e, e.schemas["create"], own, user))
        names = [f.name for f in writable(e)]
        now, uid = utcnow(), user_id(user)
        before_save, after_save = hook("before_save", e), hook("after_save", e)
        assigned = [f for f in e.fields.values() if f.type.assigned]
        params = []
        for index, values in enumerate(loaded):
            full = dict.fromkeys(names) | values
            full["owner_id"] = full.get("owner_id") or uid
            if index in plans:
                compute_totals(e, full, plans[index])
            refuse_if_told(before_save, e, full, None, user, index)
            full |= {f.name: f.type.assign(f, e, full) for f in assigned}  # auto numbers, taken in this transaction
            params.append(columns(e, {n: full.get(n) for n in names})
                          | {"created_by": uid, "created_at": now, "updated_by": uid, "updated_at": now, "version": 1})
        if not params:
            return []
        records = RecordData.of_rows(e, inserted(session, e.table, params))
        diffs = created(e, records, names)
        for index, planned in plans.items():
            diffs[index] |= planned.write(session, records[index].id, uid, now)  # type: ignore[index]
        audit.write(session, [audit_row(audit.CREATE, e, r, user, now, diff) for r, diff in zip(records, diffs)])
        for record in records if after_save else ():
            after_save(entity=e.name, record=record, previous=None, user=user)
    return records


def create(entity: str | Entity, values: Mapping[str, Any], *, user: Any) -> RecordData:
    """Create one record; ValidationFailed's errors are keyed by field name."""
    return single(lambda: bulk_create(entity, [values], user=user), 0)


def bulk_update(entity: str | Entity, items: Sequence[Change], *, user: Any) -> list[RecordData]:
    """Change records; each `Change` with a `version` is refused (StaleRecord) if the record moved on."""
    e = entity_of(entity)
    access.check(user, e, "edit")  # refused outright (403) before records out of scope are "not found" (404)
    with transaction() as session:
        current = fetch(session, e, [c.id for c in items], user, action="edit")  # 404 unseen, 403 not editable
        for item in items:
            access.check(user, e, "edit", current[item.id])  # what the policy adds (a blocked record)
            if item.version is not None and item.version != current[item.id].version:
                raise StaleRecord(e.name, item.id, current[item.id].version)
        given = [(c.id, by_column_names(e, c.values)) for c in items]
        own, plans, line_errors = prepare(session, e, given, user, current_lines(session, e, given))
        loaded = loaded_with(line_errors, lambda: load_all(session, e, e.schemas["update"], own, user, current))
        names = [f.name for f in writable(e)]
        now, uid = utcnow(), user_id(user)
        before_save, after_save = hook("before_save", e), hook("after_save", e)
        record_lock = hook("record_lock")
        results = []
        for item, values in zip(items, loaded):
            before = current[item.id]
            full = {n: before[n] for n in names} | values
            planned = plans.get(item.id)
            if planned is not None:
                compute_totals(e, full, planned)
            refuse_if_told(before_save, e, full, before, user, item.id)
            changed = {n: full[n] for n in names if full.get(n) != before[n]}
            lines_changed = planned is not None and planned.changed()
            check_change(e, before, [*changed, *([LINES] if lines_changed else [])], record_lock)
            if not changed and not lines_changed:
                results.append(before)
                continue
            table = e.table
            row = session.execute(
                update_rows(table).where(table.c.id == item.id, table.c.version == before.version)
                .values(columns(e, changed) | {"version": before.version + 1, "updated_by": uid, "updated_at": now})
                .returning(*table.c)
            ).mappings().first()
            if row is None:
                raise StaleRecord(e.name, item.id, None)
            after = RecordData.of(e, row)
            diff = changes(e, before, after, changed)
            if planned is not None:
                diff |= planned.write(session, item.id, uid, now)
            audit.write(session, [audit_row(audit.UPDATE, e, after, user, now, diff)])
            if after_save:
                after_save(entity=e.name, record=after, previous=before, user=user)
            results.append(after)
    return results


def update(entity: str | Entity, record_id: int, values: Mapping[str, Any], *, user: Any,
           version: int | None) -> RecordData:
    """Change one record. Pass the `version` the caller read; None skips the check (last write wins)."""
    return single(lambda: bulk_update(entity, [Change(record_id, values, version)], user=user), record_id)


def _move(entity: str | Entity, ids: Iterable[int], user: Any, versions: Mapping[int, int], restore: bool
          ) -> list[RecordData]:
    """Move records to the recycle bin, or back out of it."""
    e = entity_of(entity)
    ids = list(ids)
    asked = "restore" if restore else "delete"
    access.check(user, e, asked)
    with transaction() as session:
        current = fetch(session, e, ids, user, deleted=restore, action=asked)
        for record_id in ids:
            access.check(user, e, asked, current[record_id])
            if versions.get(record_id, current[record_id].version) != current[record_id].version:
                raise StaleRecord(e.name, record_id, current[record_id].version)
        if restore:
            check_restorable(session, e, current, user)
        else:  # a locked record, or one a `before_delete` hook vetoes, stays
            check_delete(e, [current[i] for i in ids], user)
        now, uid, table = utcnow(), user_id(user), e.table
        after_delete = hook("after_delete", e)
        results = []
        for record_id in ids:
            before = current[record_id]
            row = session.execute(
                update_rows(table).where(table.c.id == record_id, table.c.version == before.version)
                .values(deleted_at=None if restore else now, version=before.version + 1, updated_by=uid,
                        updated_at=now)
                .returning(*table.c)
            ).mappings().first()
            if row is None:
                raise StaleRecord(e.name, record_id, None)
            after = RecordData.of(e, row)
            action = audit.RESTORE if restore else audit.DELETE
            audit.write(session, [audit_row(action, e, after, user, now, changes(e, before, after, ["deleted_at"]))])
            if after_delete and not restore:
                after_delete(entity=e.name, record=after, user=user)
            results.append(after)
    return results


def delete(entity: str | Entity, record_id: int, *, user: Any, version: int | None = None) -> RecordData:
    """Move one record to the recycle bin (refused as stale if `version` is given and old)."""
    return _move(entity, [record_id], user, {} if version is None else {record_id: version}, False)[0]


def bulk_delete(entity: str | Entity, ids: Iterable[int], *, user: Any) -> list[RecordData]:
    return _move(entity, ids, user, {}, False)


def restore(entity: str | Entity, record_id: int, *, user: Any) -> RecordData:
    """Bring one record back from the recycle bin."""
    return _move(entity, [record_id], user, {}, True)[0]


def bulk_restore(entity: str | Entity, ids: Iterable[int], *, user: Any) -> list[RecordData]:
    return _move(entity, ids, user, {}, True)
