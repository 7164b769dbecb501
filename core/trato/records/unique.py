"""Unique fields: a value another record holds is refused with a message, not a database error.

The unique index stays as the last word (it also counts records in the
recycle bin, which the message says); this check names the field first.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..entities import Entity
from ..i18n import _


def check_unique(session: Session, entity: Entity, rows: Sequence[tuple[Hashable, Mapping[str, Any]]],
                 own_ids: bool) -> dict[Hashable, dict[str, list[str]]]:
    """Errors by row key for unique fields whose value is taken; `own_ids` when the keys are record ids."""
    errors: dict[Hashable, dict[str, list[str]]] = defaultdict(dict)
    for field in entity.fields.values():
        if not field.unique:
            continue
        wanted = [(key, field.type.sort_key(field, values[field.name])) for key, values in rows
                  if values.get(field.name) is not None]
        if not wanted:
            continue
        column = field.type.expression(field, entity.table)
        holders: dict[Any, set[Hashable]] = defaultdict(set)
        for value, record_id in session.execute(
                select(column, entity.table.c.id).where(column.in_({value for _key, value in wanted}))):
            holders[value].add(record_id)
        for key, value in wanted:
            if holders[value] - ({key} if own_ids else set()):
                errors[key][field.name] = [_("Another record (perhaps in the recycle bin) already has this value.")]
            holders[value].add(key if own_ids else ("new", key))
    return dict(errors)
