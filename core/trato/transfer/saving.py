"""Rows written through the record service's bulk calls, dropping the rows it refuses.

A bulk call is all or nothing: when it refuses some rows (ValidationFailed,
keyed by row index or record id) those rows get the errors and the call is
made again with the rest. A refusal that names no row (a plugin's
`before_save`, a permission) falls back to one row per call.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from .. import records
from ..access import PermissionRefused
from ..records import Change, RecordData, RecordError, RecordNotFound, StaleRecord, ValidationFailed
from .rows import Reader, Row

ATTEMPTS = 4  # schema, references, uniqueness: each may name more rows


def _values(row: Row, creating: bool) -> dict[str, Any]:
    values = {name: value for name, value in row.values.items() if name != "id"}
    if creating:  # an empty cell lets the field's default apply
        return {name: value for name, value in values.items() if value is not None}
    return values


def _refused(reader: Reader, rows: Sequence[Row], err: Exception, key_of: Callable[[int, Row], Hashable]) -> bool:
    """Give the rows an error names their errors; whether any row was named."""
    by_key = {key_of(index, row): row for index, row in enumerate(rows)}
    named: dict[Hashable, Any] = {}
    if isinstance(err, ValidationFailed):
        named = {key: messages for key, messages in err.errors.items() if key in by_key}
    elif isinstance(err, StaleRecord) and err.id in by_key:
        named = {err.id: str(err)}
    elif isinstance(err, RecordNotFound):
        named = {key: str(err) for key in err.ids if key in by_key}
    elif isinstance(err, PermissionRefused):  # records seen but not to be changed
        named = {key: str(err) for key in err.ids if key in by_key}
    for key, messages in named.items():
        reader.fail_fields(by_key[key], messages)
    return bool(named)


def _save(reader: Reader, rows: list[Row], call: Callable[[list[Row]], list[RecordData]],
          key_of: Callable[[int, Row], Hashable]) -> list[tuple[Row, RecordData]]:
    pending = [row for row in rows if row.ok]
    for _attempt in range(ATTEMPTS):
        if not pending:
            return []
        try:
            return list(zip(pending, call(pending)))
        except (RecordError, PermissionRefused) as err:
            if not _refused(reader, pending, err, key_of):
                break
            pending = [row for row in pending if row.ok]
    saved = []
    for row in pending:
        try:
            saved.append((row, call([row])[0]))
        except ValidationFailed as err:
            reader.fail_fields(row, next(iter(err.errors.values())) if len(err.errors) == 1 else err.errors)
        except (RecordError, PermissionRefused) as err:
            row.fail("", str(err))
    return saved


def create(reader: Reader, rows: list[Row]) -> list[tuple[Row, RecordData]]:
    """Create a record from each row; (row, record) for those saved."""
    return _save(reader, rows,
                 lambda some: records.bulk_create(reader.entity, [_values(r, True) for r in some], user=reader.user),
                 lambda index, _row: index)


def update(reader: Reader, rows: list[Row]) -> list[tuple[Row, RecordData]]:
    """Update each row's record, refused if it moved on since it was read; (row, record after) for those saved."""
    def call(some: list[Row]) -> list[RecordData]:
        changes = [Change(r.record.id, _values(r, False), r.record.version) for r in some if r.record]
        return records.bulk_update(reader.entity, changes, user=reader.user)

    return _save(reader, rows, call, lambda _index, row: row.record.id if row.record else None)
