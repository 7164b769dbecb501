"""The entities of one app, rebuilt entity by entity when an admin changes one.

Built-in entities come from the `entities` hook of every loaded plugin (and
are offered while their plugin is enabled); custom ones from the metadata
tables. When the `schema` counter moves, one small read of
`core_entity (name, revision)` tells which entities changed, and only those
are rebuilt; the others keep their objects (and cached schemas).
"""
from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .. import db
from ..fields import Field, FieldTypes, UnknownFieldType
from ..hooks.host import PluginHost
from .builtin import builtin_entity, check_model
from .custom import custom_entity, field_from_row
from .entity import Entity
from .errors import EntityError, UnknownEntity
from .meta import CUSTOM, EntityRow, FieldRow

log = logging.getLogger("trato.entities")


def with_children(entities: dict[str, Entity]) -> dict[str, Entity]:
    """Each entity with the names of the entities whose parent it is (`Entity.children`), by name."""
    kids: dict[str, list[str]] = defaultdict(list)
    for entity in entities.values():
        if entity.parent:
            kids[entity.parent].append(entity.name)
    out = {}
    for name, entity in entities.items():
        children = tuple(sorted(kids.get(name, ())))
        out[name] = entity if entity.children == children else replace(entity, children=children)
    return out


class EntityRegistry:
    def __init__(self, host: PluginHost, make_session: sessionmaker[Session]) -> None:
        self.host = host
        self.make_session = make_session
        self.types = FieldTypes()
        self.models: dict[str, tuple[str, Any]] = {}
        self.version = 0  # the `schema` counter value last seen
        self._lock = threading.RLock()
        self._plugins: set[str] = set()
        self._entities: dict[str, Entity] | None = None
        self._revisions: dict[str, int] = {}
        self._adopt()

    def _adopt(self) -> None:
        """Take in the field types and models of plugins loaded since the last look (pip installs included)."""
        with self._lock:
            new = set(self.host.loaded) - self._plugins
            if not new:
                return
            self.types.add_plugins(self.host, new)
            self._collect_models(new)
            self._plugins |= new
            self._entities = None  # rebuilt on next use, with the newcomers

    def _collect_models(self, names: set[str]) -> None:
        """The models of plugins `names`, checked once; a plugin with a bad one is reported broken."""
        for impl in self.host.all_hooks.entities.get_hookimpls():
            owner = impl.plugin_name
            if owner not in names:
                continue
            found = {}
            for model in impl.function() or []:
                problem = check_model(model, owner)
                if problem is None:
                    try:
                        builtin_entity(model, owner, [])
                    except EntityError as exc:
                        problem = str(exc)
                if problem:
                    self.host.mark_broken(owner, problem)
                    break
                found[model.__table__.name] = (owner, model)
            else:
                self.models.update(found)

    def _current(self) -> dict[str, Entity]:
        if self.host.loaded.keys() - self._plugins:
            self._adopt()
        entities = self._entities
        if entities is None:
            with self._lock:
                if self._entities is None:
                    self._sync()
                entities = self._entities
        assert entities is not None
        return entities

    def _visible(self, entity: Entity) -> bool:
        return entity.plugin is None or self.host.is_enabled(entity.plugin)

    def get(self, name: str) -> Entity:
        """The enabled entity called `name`; UnknownEntity otherwise."""
        entity = self._current().get(name)
        if entity is None or not self._visible(entity):
            raise UnknownEntity(name)
        return entity

    def __contains__(self, name: object) -> bool:
        entity = self._current().get(str(name))
        return entity is not None and self._visible(entity)

    def all(self) -> list[Entity]:
        """Every enabled entity, built-in and custom, by name."""
        return sorted((e for e in self._current().values() if self._visible(e)), key=lambda e: e.name)

    def schema_moved(self, value: int) -> None:
        """TratoState calls this when the `schema` counter moved; rebuild what changed."""
        with self._lock:
            self.version = value
            if self._entities is not None:
                self._sync()

    def _sync(self) -> None:
        # Only reads: on SQLite a reader, which a request holding the write lock in this thread does not block.
        with db.reading(), self.make_session() as session:
            revisions = {name: revision
                         for name, revision in session.execute(select(EntityRow.name, EntityRow.revision))}
            if self._entities is None:
                changed = set(self.models) | set(revisions)
            else:
                changed = {n for n in set(revisions) | set(self._revisions)
                           if revisions.get(n) != self._revisions.get(n)}
            rows = {r.name: r for r in session.scalars(select(EntityRow).where(EntityRow.name.in_(changed)))}
            field_rows: dict[str, list[FieldRow]] = defaultdict(list)
            for row in session.scalars(select(FieldRow).where(FieldRow.entity.in_(changed))):
                field_rows[row.entity].append(row)
        entities = dict(self._entities or {})
        for name in changed:
            entities.pop(name, None)
            built = self._build(name, rows.get(name), field_rows[name])
            if built is not None:
                entities[name] = built
        self._entities, self._revisions = with_children(entities), revisions
        if changed:
            log.debug("entities rebuilt: %s", ", ".join(sorted(changed)))

    def _fields(self, entity: str, rows: list[FieldRow]) -> list[Field]:
        fields = []
        for row in rows:
            try:
                fields.append(field_from_row(row, self.types))
            except UnknownFieldType as exc:
                log.error("custom field %s.%s skipped: %s", entity, row.name, exc)
        return fields

    def _build(self, name: str, row: EntityRow | None, field_rows: list[FieldRow]) -> Entity | None:
        fields = self._fields(name, field_rows)
        if name in self.models:
            owner, model = self.models[name]
            return builtin_entity(model, owner, fields)
        if row is not None and row.kind == CUSTOM:
            return custom_entity(row, fields)
        return None  # custom fields of a built-in entity whose plugin is gone
