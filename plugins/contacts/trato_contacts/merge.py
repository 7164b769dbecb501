"""Merging two records of the same person or organisation into one, in one transaction.

The survivor takes the field values picked from the other record; every
record of any entity whose relation field points at the other record is
moved to the survivor through the record service (so each move is audited
and checked against the user's rights); what hangs on the other record in
the core's tables (notes, activities, attachments, tags, followers) follows
it; and the other record goes to the recycle bin. Any failure rolls all of
it back. Accounts, contacts and the entities other plugins name through the
`duplicate_finders` hook can be merged.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from trato import Change, RecordData, TratoError, extras, records

from . import duplicates

BATCH = 500


class MergeRefused(TratoError):
    """A merge that cannot be done, with the reason to show."""


@dataclass(frozen=True)
class Merged:
    survivor: RecordData
    moved: dict[str, int]  # what was moved to the survivor, by entity or kind of extra ("notes", "tags", ...)


def mergeable_fields(entity: str) -> list[str]:
    """The fields a person picks between A and B: the entity's own and custom fields, less the system ones."""
    e = records.entity(entity)
    return [f.name for f in e.fields.values() if not f.system or f.name == "owner_id"]


def _pointing(entity: str) -> list[tuple[Any, str]]:
    """Every (entity, relation field) of the enabled entities that points at `entity`."""
    found = []
    for other in records.entities():
        for f in other.fields.values():
            if f.type.cell == "relation" and f.type.target(f) == entity:
                found.append((other, f.name))
    return found


def _ids_pointing(other: Any, field: str, record_id: int) -> list[int]:
    """All live records of `other` whose `field` is `record_id`, whoever may see them (the merge moves all)."""
    ids: list[int] = []
    cursor = None
    while True:
        page = records.query(other, user=None).where({field: record_id}).page(limit=BATCH, cursor=cursor)
        ids += [r.id for r in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return ids


def _move_references(entity: str, survivor: int, loser: int, user: Any) -> dict[str, int]:
    moved: dict[str, int] = {}
    for other, field in _pointing(entity):
        ids = _ids_pointing(other, field, loser)
        if not ids:
            continue
        changes = [Change(i, {field: None if (other.name == entity and i == survivor) else survivor})
                   for i in ids]
        records.bulk_update(other, changes, user=user)
        moved[other.name] = moved.get(other.name, 0) + len(ids)
    return moved


def mergeable(entity: str) -> bool:
    """Whether records of `entity` can be merged: Contacts' own, and those a plugin finds duplicates of."""
    return entity in duplicates.finders()


def merge(entity: str, survivor_id: int, loser_id: int, picks: Mapping[str, str], user: Any) -> Merged:
    """Merge record `loser_id` into `survivor_id`; `picks` says "b" for each field whose value comes from the loser.

    Raises MergeRefused (a record with itself, an entity that is not `mergeable`), and lets the record service's
    errors (RecordNotFound, PermissionRefused, ValidationFailed) through after rolling everything back.
    """
    if not mergeable(entity):
        raise MergeRefused(_("Records of this kind cannot be merged."))
    if survivor_id == loser_id:
        raise MergeRefused(_("A record cannot be merged with itself: choose two different records."))
    with records.atomic():
        records.get(entity, survivor_id, user=user)
        loser = records.get(entity, loser_id, user=user)
        taken = {name: loser[name] for name in mergeable_fields(entity) if picks.get(name) == "b"}
        if taken.get("parent_id") == survivor_id:
            taken["parent_id"] = None  # the loser's parent was the survivor: it would be its own parent
        moved = _move_references(entity, survivor_id, loser_id, user)
        if taken.get("parent_id") == loser_id:
            taken["parent_id"] = None
        survivor = records.update(entity, survivor_id, taken, user=user, version=None) if taken \
            else records.get(entity, survivor_id, user=user)
        moved |= extras.move(entity, loser_id, entity, survivor_id, user)
        records.delete(entity, loser_id, user=user)
    return Merged(survivor, moved)
