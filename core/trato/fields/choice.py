"""Boolean, select, multi-select and tags."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError
from marshmallow import fields as ma
from marshmallow.validate import ContainsNoneOf, Length, OneOf
from sqlalchemy import Boolean, String
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from . import messages, operators
from .base import FieldType, FieldValueError, first_message, parse_bool
from .definition import Field, Option
from .schemafields import JsonBool, PrintableText, StrippedString, UniqueList
from .sqltypes import json_value

SEPARATOR = ";"


class BooleanType(FieldType):
    name = "boolean"
    widget = "checkbox"
    cell = "boolean"
    operators = frozenset({"eq", "ne", "isnull"})

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return Boolean()

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        return JsonBool(error_messages=messages.common(messages.NOT_BOOLEAN), **kwargs)

    def from_text(self, field: Field, text: str) -> Any:
        return parse_bool(text)

    def format(self, field: Field, value: Any) -> str:
        return "" if value is None else ("true" if value else "false")


def _labels(option: Option) -> list[str]:
    if isinstance(option.label, Mapping):
        return [str(text) for text in option.label.values()]
    return [str(option.label)]


def option_from_text(field: Field, text: str) -> str:
    """The option `text` names, by value or by its label in any language."""
    wanted = text.strip()
    for option in field.options:
        if option.value == wanted:
            return option.value
    for option in field.options:
        if wanted.casefold() in (label.casefold() for label in _labels(option)):
            return option.value
    raise FieldValueError(f"{messages.NOT_OPTION} ({wanted})")


class SelectType(FieldType):
    name = "select"
    widget = "select"
    cell = "badge"
    operators = operators.EQUALITY

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return String(64)

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        return ma.String(validate=OneOf(field.option_values(), error=messages.NOT_OPTION),
                         error_messages=messages.common(messages.NOT_OPTION), **kwargs)

    def from_text(self, field: Field, text: str) -> Any:
        return option_from_text(field, text)


class TagsType(FieldType):
    """Free words attached to a record, kept as a JSON list; `contains` finds one of them."""

    name = "tags"
    widget = "tags"
    cell = "badges"
    operators = operators.LISTED
    sortable = False

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return json_value()

    def item(self, field: Field) -> ma.Field:
        """One tag: spaces around it dropped and no `;`, so that a CSV cell reads back the same tags."""
        return StrippedString(validate=[Length(1, 64, error=messages.TOO_LONG), PrintableText(),
                                        ContainsNoneOf(SEPARATOR, error=messages.NO_SEPARATOR)],
                              error_messages=messages.common(messages.NOT_TEXT))

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        return UniqueList(self.item(field), error_messages=messages.common(messages.NOT_LIST), **kwargs)

    def item_from_text(self, field: Field, text: str) -> str:
        return text.strip()

    def from_text(self, field: Field, text: str) -> Any:
        return [self.item_from_text(field, part) for part in text.split(SEPARATOR) if part.strip()]

    def format(self, field: Field, value: Any) -> str:
        return "" if not value else f"{SEPARATOR} ".join(value)

    def write(self, field: Field, value: Any) -> dict[str, Any]:
        return {field.name: value or None}

    def filter_value(self, field: Field, op: str, raw: Any) -> Any:
        if op == "isnull":
            return parse_bool(raw)
        item = self.item_from_text(field, raw) if isinstance(raw, str) else raw
        try:
            return self.item(field).deserialize(item)
        except ValidationError as err:
            raise FieldValueError(first_message(err.messages)) from None

    def filter(self, field: Field, expr: ColumnElement[Any], op: str, value: Any) -> ColumnElement[bool]:
        if op == "contains":
            return operators.list_has(expr, value)
        return operators.compare(op, expr, value)


class MultiSelectType(TagsType):
    """Several options of a list, kept as a JSON list of option values."""

    name = "multi_select"
    widget = "multiselect"

    def item(self, field: Field) -> ma.Field:
        return SELECT.schema_field(field)

    def item_from_text(self, field: Field, text: str) -> str:
        return option_from_text(field, text)


SELECT = SelectType()
