"""Filters: conditions on fields (one relation away at most), combined in AND and OR groups.

Two spellings are read: query-string pairs (`city=Madrid`, `amount__gte=100`,
`account_id.city__startswith=Ma`, `stage__in=won,lost`), which must all
hold, and a JSON tree for OR groups and saved views:

    {"or": [{"field": "city", "op": "eq", "value": "Madrid"},
            {"and": [{"field": "amount", "op": "gte", "value": "100"}, ...]}]}
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Union

from sqlalchemy import Table, and_, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from .. import access
from ..entities import Entity, UnknownEntity, UnknownField
from ..fields import OPERATORS, FieldValueError, RelationType, UserType
from ..fields.messages import REQUIRED
from ..i18n import _
from .errors import QueryError


@dataclass(frozen=True)
class Condition:
    field: str  # a field's name, or `relation.field` to look one record further
    op: str = "eq"
    value: Any = None


@dataclass(frozen=True)
class Group:
    mode: str  # "and" | "or"
    items: tuple[Node, ...] = ()


Node = Union[Condition, Group]


def field_name(entity: Entity, name: str) -> str:
    """The field `name` means: itself, or the admin's custom field of that name on a built-in entity, whose
    column (and so field) is `cf_<name>`, so that a filter takes the name the admin chose as well."""
    if name in entity.fields:
        return name
    custom = entity.fields.get(f"cf_{name}")
    return custom.name if custom is not None and custom.custom else name


def by_column_names(entity: Entity, values: Any) -> Any:
    """A record's `values` with each custom field the admin named `region` under its column's name `cf_region`
    (unless that is given too), so that a write takes the name the admin chose as filters do; anything but a
    mapping is left for validation to refuse."""
    if not isinstance(values, Mapping):
        return values

    def key_of(given: str) -> str:
        column = field_name(entity, given)
        return given if column != given and column in values else column

    return {key_of(key): value for key, value in values.items()}


def from_params(pairs: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> Group:
    """`field[__op]=value` pairs, all of which must hold."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    conditions = []
    for key, value in items:
        path, _sep, op = key.partition("__")
        conditions.append(Condition(path, op or "eq", value))
    return Group("and", tuple(conditions))


def from_json(data: Any) -> Node:
    """A JSON filter tree (see the module's docstring) as Conditions and Groups."""
    if isinstance(data, Mapping) and len(data) == 1 and next(iter(data)) in ("and", "or"):
        mode, items = next(iter(data.items()))
        if isinstance(items, list):
            return Group(mode, tuple(from_json(item) for item in items))
    if isinstance(data, Mapping) and isinstance(data.get("field"), str) and set(data) <= {"field", "op", "value"}:
        return Condition(data["field"], str(data.get("op", "eq")), data.get("value"))
    raise QueryError(_("A filter must be {\"and\": [...]}, {\"or\": [...]} or {\"field\", \"op\", \"value\"}."))


class FilterCompiler:
    """Turns a filter tree into a WHERE clause on an entity's table, for one user."""

    def __init__(self, entity: Entity, user: Any, entities: Any) -> None:
        self.entity = entity
        self.user = user
        self.entities = entities

    def compile(self, node: Node) -> ColumnElement[bool]:
        if isinstance(node, Group):
            if node.mode not in ("and", "or"):
                raise QueryError(_("Unknown filter group %(mode)r: use and or or.", mode=node.mode))
            parts = [self.compile(item) for item in node.items]
            if node.mode == "and":
                return and_(true(), *parts)
            return or_(false(), *parts)
        path = node.field.split(".")
        if len(path) == 1:
            return self.condition(self.entity, self.entity.table, path[0], node.op, node.value)
        if len(path) == 2:
            return self.related(path[0], path[1], node.op, node.value)
        raise QueryError(_("Filters reach one relation away at most: %(path)s.", path=node.field), node.field)

    def field(self, entity: Entity, name: str, shown: str) -> Any:
        try:
            field = entity.field(field_name(entity, name))
        except UnknownField:
            raise QueryError(_("Unknown field %(field)r.", field=shown), shown) from None
        if field.name in access.hidden_fields(self.user, entity):
            raise QueryError(_("Field %(field)r is hidden for your role: records cannot be filtered by it.",
                               field=shown), shown)
        return field

    def condition(self, entity: Entity, table: Table, name: str, op: str, raw: Any, shown: str | None = None
                  ) -> ColumnElement[bool]:
        shown = shown or name
        field = self.field(entity, name, shown)
        if op not in OPERATORS:
            raise QueryError(_("Unknown operator %(op)r; the operators are %(ops)s.", op=op,
                               ops=", ".join(OPERATORS)), shown)
        if op not in field.operators:
            raise QueryError(_("Field %(field)r does not support %(op)r; it supports %(ops)s.", field=shown, op=op,
                               ops=", ".join(o for o in OPERATORS if o in field.operators)), shown)
        try:
            value = field.type.filter_value(field, op, raw)
        except FieldValueError as err:
            raise QueryError(f"{shown}: {err}", shown) from None
        if value is None and op not in ("eq", "ne", "isnull"):
            raise QueryError(f"{shown}: {REQUIRED}", shown)  # only eq, ne and isnull compare with empty
        return field.type.filter(field, field.type.expression(field, table), op, value)

    def related(self, relation: str, name: str, op: str, raw: Any) -> ColumnElement[bool]:
        """`relation.name <op> value`: the related record matches, and the user may see it."""
        shown = f"{relation}.{name}"
        link = self.field(self.entity, relation, relation)
        if not isinstance(link.type, RelationType) or isinstance(link.type, UserType):
            raise QueryError(_("%(field)r is not a relation to another entity.", field=relation), relation)
        try:
            target = self.entities.get(link.type.target(link))
        except UnknownEntity:
            raise QueryError(_("The entity %(field)r points at is not available.", field=relation), relation) from None
        table = target.table
        inner = select(table.c.id).where(table.c.deleted_at.is_(None),
                                         self.condition(target, table, name, op, raw, shown))
        inner = access.scope(inner, target, self.user).correlate(None)
        return link.type.expression(link, self.entity.table).in_(inner)
