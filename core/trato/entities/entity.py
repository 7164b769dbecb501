"""An entity as the rest of Trato sees it: metadata, its table, and its fields."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cached_property, partial
from typing import Any

from marshmallow import Schema
from sqlalchemy import Table

from ..fields import Field, FieldType, Label, localize
from .errors import UnknownField
from .titles import render


@dataclass(frozen=True, eq=False)
class Entity:
    """One business record type, built-in (from a plugin's model) or custom (`x_...`).

    `table` is this app's own copy of the table, custom columns included, so
    that apps on different databases never share custom columns. `fields`
    are ordered by position. `plugin` is the owner, None for a custom entity.
    """

    name: str
    label: Label
    plural: Label
    table: Table
    fields: Mapping[str, Field]
    title_field: str | None = None
    search_fields: tuple[str, ...] = ()
    list_columns: tuple[str, ...] = ()
    plugin: str | None = None
    pages: Mapping[str, str] = dataclass_field(default_factory=dict)  # EntityInfo.pages: the plugin's own pages
    title_parts: tuple[str, ...] = ()  # EntityInfo.title_parts: fields that together name a record
    # How a record is named, "{first_name} {last_name}" (titles.py); from EntityInfo or the admin's choice.
    title_pattern: str | None = None
    sections: Mapping[str, Label] = dataclass_field(default_factory=dict)  # EntityInfo.sections: their labels
    list_filter: Mapping[str, str] = dataclass_field(default_factory=dict)  # EntityInfo.list_filter
    # EntityInfo.locked, unlocked_fields and keep, or a custom entity's lock rule (records/locks.py).
    locked: Callable[[Mapping[str, Any]], Any] | None = None
    unlocked_fields: tuple[str, ...] = ()
    keep: Callable[[Mapping[str, Any]], Any] | bool = False
    # Lines (docs/lines.md): the entity these records are lines of, the entities that are lines of this one
    # (filled in by the registry), and EntityInfo.compute.
    parent: str | None = None
    children: tuple[str, ...] = ()
    compute: Callable[..., Any] | None = None

    @property
    def custom(self) -> bool:
        return self.plugin is None

    @property
    def text(self) -> str:
        return localize(self.label)

    @property
    def plural_text(self) -> str:
        return localize(self.plural)

    def field(self, name: str) -> Field:
        try:
            return self.fields[name]
        except KeyError:
            raise UnknownField(self.name, name) from None

    def values(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """Field values out of a row of `table` (money's two columns become one Money)."""
        return {name: row[name] if read is None else read(row) for name, read in self._readers}

    @cached_property
    def _readers(self) -> list[tuple[str, Callable[[Mapping[str, Any]], Any] | None]]:
        """Each field's name and how its value is read from a row; None for a column of its name read as it
        is, which most fields are: no call per field and row for them."""
        return [(f.name, None if type(f.type).read is FieldType.read else partial(f.type.read, f))
                for f in self.fields.values()]

    def title_of(self, values: Mapping[str, Any]) -> str:
        """How a record is named in links and lists: its title pattern, else its title field, else `#id`.

        In a request, only fields its reader may see name the record: a title field hidden from them gives
        `#id` wherever the title shows (page titles, headings, timelines, messages, search results)."""
        from ..records.titles import as_read  # records build on entities

        values = as_read(self, values)
        if self.title_pattern:
            text = render(self.title_pattern, partial(self._title_part, values))
            if text:
                return text
        if self.title_field and values.get(self.title_field) not in (None, ""):
            field = self.fields[self.title_field]
            return field.type.format(field, values[self.title_field])
        return f"#{values.get('id')}"

    def _title_part(self, values: Mapping[str, Any], name: str) -> str:
        """A field's value as a title shows it: an option's label, a related record's own title, a user's name."""
        field, value = self.fields[name], values.get(name)
        if value in (None, "", []):
            return ""
        if field.type.cell == "relation":
            from ..records.titles import related_title  # records build on entities

            return related_title(field.type.target(field), value)
        if field.type.cell == "record_link":  # a link to any entity: named as a relation is, never leaked
            from ..records.titles import related_title

            return related_title(value.entity, value.id)
        if field.type.cell in ("user", "team"):
            from ..directory import team_names, user_names  # it reads the database, which builds on entities

            return (user_names if field.type.cell == "user" else team_names)([value]).get(value, "")
        if field.options:
            return next((option.text for option in field.options if option.value == value), str(value))
        return field.type.format(field, value)

    @cached_property
    def dump(self) -> Callable[[Mapping[str, Any], frozenset[str]], dict[str, Any]]:
        """A record's values as the API returns them (the `update` schema's dump), less the names given."""
        from ..fields.dumpers import record_dumper

        return record_dumper(self.schemas["update"])

    @cached_property
    def schemas(self) -> dict[str, Schema]:
        """The marshmallow schemas of this entity: `create` and `update`."""
        from .schema import build_schemas

        return build_schemas(self)
