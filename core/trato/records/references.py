"""Relation and user values must name records that exist and that the user may see."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import access
from ..entities import Entity, UnknownEntity
from ..fields import RelationType, TeamType, UserType
from ..i18n import _
from ..models import User
from ..roles.models import Team


def _existing(session: Session, field_type: RelationType, target: str, ids: set[int], user: Any) -> set[int]:
    if isinstance(field_type, UserType):
        return set(session.scalars(select(User.id).where(User.id.in_(ids))))
    if isinstance(field_type, TeamType):
        return set(session.scalars(select(Team.id).where(Team.id.in_(ids))))
    try:
        entity = current_app.extensions["trato"].entities.get(target)
    except UnknownEntity:
        return set()
    table = entity.table
    query = select(table.c.id).where(table.c.id.in_(ids), table.c.deleted_at.is_(None))
    return set(session.scalars(access.scope(query, entity, user)))


def check_references(session: Session, entity: Entity, rows: Sequence[tuple[Hashable, Mapping[str, Any]]],
                     user: Any) -> dict[Hashable, dict[str, list[str]]]:
    """Errors by row key for relation values that point at nothing the user can see (one query per field)."""
    errors: dict[Hashable, dict[str, list[str]]] = defaultdict(dict)
    for field in entity.fields.values():
        if not isinstance(field.type, RelationType):
            continue
        wanted = {values[field.name] for _key, values in rows if values.get(field.name) is not None}
        if not wanted:
            continue
        missing = wanted - _existing(session, field.type, field.type.target(field), wanted, user)
        for key, values in rows:
            if values.get(field.name) in missing:
                errors[key][field.name] = [_("There is no such record (id %(id)s).", id=values[field.name])]
    return dict(errors)
