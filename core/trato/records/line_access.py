"""Access to lines: a line has no owner or scope of its own, its parent's decide (docs/lines.md).

Who may see a parent sees its lines, and nobody else; a line is read only
while its parent is live (out of the recycle bin). Lines are changed only
through their parent (`records.update(parent, id, {"lines": [...]})`), under
the parent's edit scope: asked on its own, a line refuses every change.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, select

from .. import access
from ..entities import Entity
from ..i18n import _

READS = ("view", "export")


def parent_of(entity: Entity) -> Entity:
    return current_app.extensions["trato"].entities.get(entity.parent)  # type: ignore[no-any-return]


def parent_action(action: str) -> str:
    """What a line's action asks of its parent: reading it reads the parent, anything else changes it."""
    return action if action in READS else "edit"


def condition(entity: Entity, user: Any, action: str = "view") -> ColumnElement[bool]:
    """Lines whose parent is live and within the user's scope for the parent's action."""
    parent = parent_of(entity)
    ids = select(parent.table.c.id).where(parent.table.c.deleted_at.is_(None))
    return entity.table.c.parent_id.in_(access.scope(ids, parent, user, parent_action(action)))


def check(user: Any, entity: Entity, action: str) -> None:
    """A read of lines is the parent's read; a change of a line on its own is refused (PermissionRefused)."""
    parent = parent_of(entity)
    if action not in READS:
        raise access.PermissionRefused(
            _("%(lines)s are changed on their %(parent)s, as its lines: a line without its parent cannot be "
              "written.", lines=entity.plural_text, parent=parent.text.lower()), action, entity.name)
    access.check(user, parent, action)


def permitted(entity: Entity, action: str, records: Any) -> frozenset[int]:
    """Lines read through the scope may be read; none may be changed on its own."""
    return frozenset(r["id"] for r in records) if action in READS else frozenset()
