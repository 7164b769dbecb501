"""Boolean, select, multi-select and tags."""
from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from marshmallow import ValidationError
from marshmallow import fields as ma
from flask import has_app_context
from marshmallow.validate import ContainsNoneOf, Length, OneOf
from sqlalchemy import Boolean, String
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from . import messages, operators
from .base import FieldType, FieldValueError, first_message, parse_bool
from .definition import Field, every_language
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


# Per field: every name of each option (its labels in every language, casefolded) -> the option's value.
_OPTION_NAMES: WeakKeyDictionary[Field, dict[str, str]] = WeakKeyDictionary()


def _option_names(field: Field) -> dict[str, str]:
    """What names each option of `field`, made once per field: translating labels for every cell is slow."""
    names = _OPTION_NAMES.get(field)
    if names is None:
        names = {}
        for option in field.options:
            for text in every_language(option.label):
                names.setdefault(text.strip().casefold(), option.value)
        if has_app_context():  # outside an app, labels have not been translated: not kept
            _OPTION_NAMES[field] = names
    return names


def option_from_text(field: Field, text: str) -> str:
    """The option `text` names, by value or by its label in any language Trato ships (whatever the current one)."""
    wanted = text.strip()
    for option in field.options:
        if option.value == wanted:
            return option.value
    value = _option_names(field).get(wanted.casefold())
    if value is None:
        raise FieldValueError(f"{messages.NOT_OPTION} ({wanted})")
    return value


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
