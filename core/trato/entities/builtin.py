"""Built-in entities: metadata read from a plugin's model columns, never a second copy."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flask_babel.speaklater import LazyString
from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, Text

from ..db import NAMING
from ..fields import BUILTIN, Field, FieldType, Label, localize
from ..fields.sqltypes import ExactDecimal, UTCDateTime
from ..i18n import _
from .entity import Entity
from .errors import EntityError
from .record import EntityInfo, Record
from .titles import parts_pattern, pattern_fields

# Built-in fields are spaced this far apart, so that custom fields fit between them.
POSITION_STEP = 100


def _infer(column: Column[Any]) -> tuple[FieldType, dict[str, Any]]:
    """A field type for a column declared without `trato.field(...)`."""
    for fk in column.foreign_keys:
        target = fk.target_fullname.split(".")[0]
        return (BUILTIN["user"], {}) if target == "core_user" else (BUILTIN["relation"], {"target": target})
    sql = column.type
    if isinstance(sql, ExactDecimal):
        return BUILTIN["decimal"], {"scale": sql.scale}
    if isinstance(sql, (UTCDateTime, DateTime)):
        return BUILTIN["datetime"], {}
    if isinstance(sql, Date):
        return BUILTIN["date"], {}
    if isinstance(sql, Boolean):
        return BUILTIN["boolean"], {}
    if isinstance(sql, (Integer, BigInteger)):
        return BUILTIN["integer"], {}
    if isinstance(sql, Text):
        return BUILTIN["long_text"], {}
    if isinstance(sql, String):
        return BUILTIN["text"], {"length": sql.length or 255}
    raise EntityError(f"column {column.table.name}.{column.name} ({sql}) has no field type; "
                      "declare it with trato.field(...)")


def field_from_column(column: Column[Any], index: int) -> Field:
    """The field a column describes through its type and `info`."""
    info = column.info
    ftype = info.get("type")
    settings = dict(info.get("settings") or {})
    if not isinstance(ftype, FieldType):
        ftype, inferred = _infer(column)
        settings = {**inferred, **settings}
    position = info.get("position")
    default = column.default.arg if column.default is not None and column.default.is_scalar else None
    return Field(
        name=column.name,
        type=ftype,
        label=info.get("label") or column.name.replace("_", " ").capitalize(),
        required=not (column.nullable or info.get("system") or column.primary_key),
        options=tuple(info.get("options") or ()),
        help=info.get("help"),
        filterable=bool(info.get("filterable") or column.index or info.get("system")),
        position=index * POSITION_STEP if position is None else position,
        section=info.get("section"),
        settings=settings,
        default=None if info.get("system") else default,
        unique=bool(column.unique),
        system=bool(info.get("system")),
        system_set=bool(info.get("system_set")),
    )


def fields_of_table(table: Table) -> list[Field]:
    """Every field of a table, skipping the extra columns of multi-column fields."""
    return [field_from_column(column, index) for index, column in enumerate(table.columns)
            if "part_of" not in column.info]


def check_model(model: Any, plugin: str) -> str | None:
    """Why `model` cannot be an entity of `plugin`, or None if it can."""
    if not isinstance(model, type) or not issubclass(model, Record) or not hasattr(model, "__table__"):
        return f"entities() returned {model!r}, which is not a mapped model using trato.Record"
    if not isinstance(getattr(model, "__entity__", None), EntityInfo):
        return f"model {model.__name__} has no __entity__ = EntityInfo(...)"
    if not model.__table__.name.startswith(plugin + "_"):
        return f"table {model.__table__.name!r} of model {model.__name__} must start with {plugin + '_'!r}"
    return None


def ordered(fields: list[Field]) -> dict[str, Field]:
    return {f.name: f for f in sorted(fields, key=lambda f: f.position)}


def in_section(section: Label, label: Label) -> LazyString:
    """A field's label named with its section's, in the reader's language: "Billing address — City"."""
    return LazyString(lambda: _("%(section)s — %(field)s", section=localize(section), field=localize(label)))


def make_entity(name: str, table: Table, fields: list[Field], plugin: str | None, label: Any, plural: Any,
                title: str | None, search: tuple[str, ...], columns: tuple[str, ...],
                pages: Mapping[str, str] | None = None, title_parts: tuple[str, ...] = (),
                sections: Mapping[str, Label] | None = None, title_pattern: str | None = None) -> Entity:
    """An Entity, after checking that the fields it names exist; a field of a labelled section is named with it."""
    sections = dict(sections or {})
    fields = [replace(f, label=in_section(sections[f.section], f.label)) if f.section in sections else f
              for f in fields]
    by_name = ordered(fields)
    for role, names in (("title", (title,) if title else ()), ("title part", title_parts), ("search", search),
                        ("list", columns)):
        missing = [n for n in names if n not in by_name]
        if missing:
            raise EntityError(f"entity {name}: {role} field(s) {', '.join(missing)} do not exist")
    title_pattern = title_pattern or parts_pattern(title_parts)
    if title_pattern:
        try:
            pattern_fields(title_pattern, by_name)
        except EntityError as exc:
            raise EntityError(f"entity {name}: {exc}") from None
    if not search and title and by_name[title].type.searchable:
        search = (title,)
    return Entity(name=name, label=label, plural=plural, table=table, fields=by_name, title_field=title,
                  search_fields=search,
                  list_columns=columns or tuple(n for n, f in by_name.items() if not f.system)[:5],
                  plugin=plugin, pages=dict(pages or {}), title_parts=tuple(title_parts), sections=sections,
                  title_pattern=title_pattern)


# Entities of models without custom fields, made once per process: an entity is immutable, and copying its
# table is most of the cost of making one (every app a process builds makes all of them again).
_plain: dict[tuple[Any, str], Entity] = {}


def builtin_entity(model: Any, plugin: str, custom: list[Field]) -> Entity:
    """The entity of a plugin's model, with the custom fields admins added to it."""
    if custom:
        return _made(model, plugin, custom)
    made = _plain.get((model, plugin))
    if made is None:
        made = _plain.setdefault((model, plugin), _made(model, plugin, custom))
    return made


def _made(model: Any, plugin: str, custom: list[Field]) -> Entity:
    table = model.__table__.to_metadata(MetaData(naming_convention=NAMING))
    for field in custom:
        for column in field.type.columns(field):
            table.append_column(column)
    info: EntityInfo = model.__entity__
    made = make_entity(table.name, table, [*fields_of_table(model.__table__), *custom], plugin, info.label,
                       info.plural, info.title, tuple(info.search), tuple(info.list_columns), info.pages,
                       tuple(info.title_parts), info.sections, info.title_pattern)
    made = replace(made, locked=info.locked, unlocked_fields=tuple(info.unlocked_fields), keep=info.keep)
    made = replace(made, parent=info.parent, compute=info.compute)
    return replace(made, list_filter=dict(info.list_filter)) if info.list_filter else made
