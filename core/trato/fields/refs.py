"""Relation (to a record of any entity), user, and file (its metadata)."""
from __future__ import annotations

from typing import Any

from marshmallow import fields as ma
from marshmallow.validate import Range
from sqlalchemy import Integer
from sqlalchemy.types import TypeEngine

from . import messages, operators
from .base import FieldType, FieldValueError
from .definition import Field
from .schemafields import INT32, FileSchema, json_int
from .sqltypes import json_value


class RelationType(FieldType):
    """The id of a record of the entity named in `settings["target"]`.

    A built-in model's column carries a foreign key; a custom field's does
    not (the record service checks that the target exists and that the user
    may see it), so that purging a plugin never trips over an admin's column.
    """

    name = "relation"
    widget = "relation"
    cell = "relation"
    operators = operators.EQUALITY

    def target(self, field: Field) -> str:
        return str(field.settings["target"])

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return Integer()

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        return json_int(validate=Range(1, INT32, error=messages.NOT_ID), **kwargs)

    def foreign_key(self, field: Field) -> str | None:
        return f"{self.target(field)}.id"

    def from_text(self, field: Field, text: str) -> Any:
        try:
            return int(text)
        except ValueError:
            raise FieldValueError(str(messages.NOT_ID)) from None


class UserType(RelationType):
    """A person who signs in (the owner, an assignee)."""

    name = "user"
    widget = "user"
    cell = "user"

    def target(self, field: Field) -> str:
        return "core_user"


class TeamType(RelationType):
    """A team of users (one that owns a record, a team a goal is set for).

    No foreign key: teams are the core's, and a plugin's first migration may
    run before the core's table of teams exists.
    """

    name = "team"
    widget = "team"
    cell = "team"

    def target(self, field: Field) -> str:
        return "core_team"

    def foreign_key(self, field: Field) -> str | None:
        return None


class FileType(FieldType):
    """A file's name, size, content type and storage key; the bytes are elsewhere."""

    name = "file"
    widget = "file"
    cell = "file"
    operators = frozenset({"isnull"})
    sortable = False

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return json_value()

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        return ma.Nested(FileSchema, error_messages=messages.common(messages.NOT_OBJECT), **kwargs)

    def from_text(self, field: Field, text: str) -> Any:
        raise FieldValueError(str(messages.NO_FILE_FROM_TEXT))

    def format(self, field: Field, value: Any) -> str:
        return "" if value is None else str(value["name"])
