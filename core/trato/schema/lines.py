"""A custom entity made as lines of another (docs/lines.md): its parent, checked before the table is made."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..entities import UnknownEntity
from ..i18n import _
from .change import registry
from .errors import SchemaError

LINE_COLUMNS = ("parent_id", "position")


def line_parent(parent: Any, fields: Mapping[str, Any]) -> str | None:
    """The entity the new one's records are lines of, or None; SchemaError (on `parent`) when it cannot be."""
    if parent in (None, ""):
        return None
    if not isinstance(parent, str):
        raise SchemaError(_("Name the entity whose lines these are."), "parent")
    try:
        entity = registry().get(parent)
    except UnknownEntity:
        raise SchemaError(_("There is no entity called %(name)r to give lines to.", name=parent), "parent") from None
    if entity.parent:
        raise SchemaError(_("%(name)s are lines themselves: lines cannot have lines.", name=entity.plural_text),
                          "parent")
    taken = [name for name in LINE_COLUMNS if name in fields]
    if taken:
        raise SchemaError(_("A line keeps its parent and position in %(names)s: name the fields otherwise.",
                            names=", ".join(taken)), "fields")
    return parent
