"""Lines in the REST API: a parent's record carries them as a nested array (docs/lines.md).

`GET/POST/PATCH /api/v1/<parent>/<id>` answer with the parent's lines under
`"lines"` (its only child entity) or under each child entity's name; POST
and PATCH take the same array as the new full list. A child entity's own
paths only read (`GET /api/v1/<child>` lists lines for reports, scoped
through their parents): the document leaves out their writes, which answer
403 saying that lines are written on their parent.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any

from flask import g

from .. import access, db
from ..entities import Entity
from ..i18n import _
from ..records.lines import children, key_of, read

WRITES = ("post", "patch", "delete")


def dumped(entity: Entity, record_id: int) -> dict[str, list[dict[str, Any]]]:
    """The lines of a record the caller has read, as JSON, by their key; {} for an entity without lines."""
    kids = children(entity)
    if not kids:
        return {}
    found = read(db.session(), entity, [record_id])[record_id]
    return {key_of(entity, child): [child.dump(line, access.hidden_fields(g.api_user, child))
                                    for line in found[child.name]] for child in kids}


def _item(schemas: dict[str, Any], child: Entity) -> dict[str, Any]:
    """A line as a client sends it: the child's update fields, and the `id` (and `version`) of a line it keeps."""
    item = deepcopy(schemas.get(f"{child.name}.update", {"type": "object"}))
    item.setdefault("properties", {}).update({
        "id": {"type": "integer", "minimum": 1, "description": _("The line kept; leave it out to add a line")},
        "version": {"type": "integer", "minimum": 1, "description": _("The line's version read: a line changed "
                                                                       "since is refused (409)")},
    })
    return item


def add_to_document(document: dict[str, Any], entities: list[Entity]) -> None:
    """Describe each parent's lines in its read, create and update schemas; drop the writes of child paths."""
    schemas, paths = document["components"]["schemas"], document["paths"]
    for entity in entities:
        if entity.parent:
            for path in (f"/api/v1/{entity.name}", f"/api/v1/{entity.name}/{{record_id}}"):
                for method in WRITES:
                    paths.get(path, {}).pop(method, None)
            for path in [p for p in paths if p.startswith(f"/api/v1/{entity.name}/")
                         and p != f"/api/v1/{entity.name}/{{record_id}}"]:
                if not any(m == "get" for m in paths[path]):
                    del paths[path]
                else:
                    for method in WRITES:
                        paths[path].pop(method, None)
        for child in children(entity):
            key = key_of(entity, child)
            note = _("The %(lines)s, in order: the new full list (lines left out are removed)",
                     lines=child.plural_text.lower())
            schemas[f"{entity.name}.read"].setdefault("properties", {})[key] = {
                "type": "array", "items": {"$ref": f"#/components/schemas/{child.name}.read"}}
            for mode in ("create", "update"):
                schemas[f"{entity.name}.{mode}"].setdefault("properties", {})[key] = {
                    "type": "array", "items": _item(schemas, child), "description": note}
