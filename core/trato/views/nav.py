"""Main-menu entries for custom entities: one appears as soon as an administrator makes it."""
from __future__ import annotations

from typing import Any

from .. import access
from ..ui import NavItem
from .present import entities

PRIORITY = 500  # after the plugins' own entries


def entity_navigation(user: Any) -> list[NavItem]:
    """A menu entry per custom entity the user's role lets them view."""
    items = []
    for entity in entities().all():
        if not entity.custom:
            continue
        try:
            access.check(user, entity, "view")
        except access.PermissionRefused:
            continue
        items.append(NavItem("records.listing", entity.plural_text, PRIORITY, values={"entity": entity.name}))
    return items
