"""Who a record's mail can go to: its own email fields, the records its relations point at (a deal's contact),
and the records pointing at it (an account's contacts), each as the user may see them.

Every address is kept with the record it came from, so that a message
sent to it is logged on that record's timeline too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import access, records
from ..entities import Entity, UnknownEntity
from ..fields import Field
from ..records import RecordData, RecordNotFound
from ..records.common import entity_of
from ..presentation import entities, visible_fields

PER_RELATION = 20  # records read per relation pointing at the record


@dataclass(frozen=True)
class Candidate:
    """An address offered on the compose form, and the record it belongs to."""

    address: str
    name: str
    entity: str
    record_id: int

    @property
    def label(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


def email_fields(entity: Entity, user: Any) -> list[Field]:
    return [f for f in visible_fields(entity, user) if f.type.name == "email" and not f.system]


def _relations(entity: Entity, user: Any) -> list[tuple[Field, Entity]]:
    """The entity's relation fields whose target has an email field."""
    found = []
    for f in visible_fields(entity, user):
        if f.type.cell != "relation" or f.system:
            continue
        try:
            target = entity_of(f.type.target(f))
        except UnknownEntity:
            continue
        if email_fields(target, user):
            found.append((f, target))
    return found


def _pointing(entity: Entity, user: Any) -> list[tuple[Entity, Field]]:
    """The relations of other entities, with email fields, that point at `entity` (contacts -> account)."""
    found = []
    for other in entities().all():
        if other.name == entity.name or not email_fields(other, user):
            continue
        found += [(other, f) for f in visible_fields(other, user)
                  if f.type.cell == "relation" and f.type.target(f) == entity.name and not f.system]
    return found


def mailable(entity: Entity, user: Any) -> bool:
    """Whether the entity's records can have someone to write to (the "Email" button is shown)."""
    return bool(email_fields(entity, user) or _relations(entity, user) or _pointing(entity, user))


def _of(entity: Entity, record: RecordData, user: Any) -> list[Candidate]:
    title = entity.title_of(record)
    return [Candidate(str(record[f.name]).strip(), title, entity.name, record.id)
            for f in email_fields(entity, user) if record.get(f.name)]


def candidates(entity: Entity, record: RecordData, user: Any) -> list[Candidate]:
    """Every address the user may see for this record, its own first, without repeats."""
    found = _of(entity, record, user)
    for f, target in _relations(entity, user):
        if record.get(f.name) is None:
            continue
        try:
            found += _of(target, records.get(target, record[f.name], user=user), user)
        except (RecordNotFound, access.PermissionRefused):
            continue
    for other, f in _pointing(entity, user):
        try:
            page = records.query(other, user=user).where({f.name: record.id}).order_by("-id").page(
                limit=PER_RELATION)
        except access.PermissionRefused:
            continue
        for item in page.items:
            found += _of(other, item, user)
    seen: set[str] = set()
    unique = []
    for c in found:
        if c.address.lower() not in seen:
            seen.add(c.address.lower())
            unique.append(c)
    return unique
