"""The records that notes, activities and the rest hang on: found only as the record service lets a user see them.

Everything here is keyed by (entity name, record id). A record in the
recycle bin is "not found" by `records.get`/`records.query`, so what hangs
on it is hidden with it and comes back when it is restored.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from flask import current_app

from .. import access, records
from ..entities import Entity, UnknownEntity
from ..records import RecordData, RecordNotFound

BATCH = 500  # the query builder's page limit


def entity_named(name: str) -> Entity:
    """The enabled entity of that name; RecordNotFound when there is none (a 404 for the pages)."""
    try:
        return current_app.extensions["trato"].entities.get(name)  # type: ignore[no-any-return]
    except UnknownEntity:
        raise RecordNotFound(name, {0}) from None


def visible(entity_name: str, record_id: int, user: Any) -> tuple[Entity, RecordData]:
    """The entity and the live record if `user` may view it; RecordNotFound otherwise (never "forbidden")."""
    entity = entity_named(entity_name)
    try:
        return entity, records.get(entity, record_id, user=user)
    except access.PermissionRefused:
        raise RecordNotFound(entity_name, {record_id}) from None


def titles(keys: Iterable[tuple[str, int]], user: Any) -> dict[tuple[str, int], tuple[Entity, str]]:
    """For each (entity, id) whose record is live and visible to `user`: its entity and title; one query per entity."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for name, record_id in keys:
        wanted[name].add(record_id)
    found: dict[tuple[str, int], tuple[Entity, str]] = {}
    for name, ids in wanted.items():
        try:
            entity = current_app.extensions["trato"].entities.get(name)
            query = records.query(entity, user=user)
        except (UnknownEntity, access.PermissionRefused):
            continue
        ordered = sorted(ids)
        for start in range(0, len(ordered), BATCH):
            chunk = ordered[start:start + BATCH]
            for record in query.where({"id__in": chunk}).page(limit=len(chunk)).items:
                found[(name, record.id)] = (entity, entity.title_of(record))
    return found


def may_change(user: Any, author_id: int | None) -> bool:
    """Whether `user` may edit or delete something: its author, or an administrator."""
    return bool(getattr(user, "is_admin", False)) or (author_id is not None and author_id == getattr(user, "id", None))
