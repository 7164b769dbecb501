"""The field-type interface: what each type knows about its columns and values."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from marshmallow import ValidationError
from marshmallow import fields as ma
from sqlalchemy import Column, Table
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from ..errors import TratoError
from . import operators

if TYPE_CHECKING:
    from .definition import Field

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "sí", "si", "s", "x", "on"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "off", ""})


class FieldValueError(TratoError, ValueError):
    """A value does not fit a field; the message says why, for a person."""


def sentences(messages: Any) -> list[str]:
    """Every message in marshmallow's (possibly nested) errors, once each, in order.

    The parts of a value (a money field's `amount` and `currency`, a list's
    items) are not named: each message is a sentence that says what to type,
    and a form shows it at the field it belongs to.
    """
    if isinstance(messages, Mapping):
        found = [text for inner in messages.values() for text in sentences(inner)]
    elif isinstance(messages, (list, tuple)):
        found = [text for inner in messages for text in sentences(inner)]
    else:
        found = [str(messages)]
    return list(dict.fromkeys(found))


def first_message(messages: Any) -> str:
    """One line out of marshmallow's nested error messages, naming the part (`currency: ...`) for the API;
    forms show `sentences` at the field instead."""
    if isinstance(messages, dict):
        key, inner = next(iter(messages.items()))
        return f"{key}: {first_message(inner)}"
    if isinstance(messages, list):
        return first_message(messages[0])
    return str(messages)


def plain_messages(messages: Any) -> Any:
    """marshmallow's error messages with every message a list of plain strings.

    The fields' own messages are lazy (translated when shown), and marshmallow
    only wraps real strings in lists; this makes both kinds look alike.
    """
    if isinstance(messages, dict):
        return {key: plain_messages(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [str(m) if not isinstance(m, (dict, list)) else plain_messages(m) for m in messages]
    return [str(messages)]


def parse_bool(text: Any) -> bool:
    if isinstance(text, bool):
        return text
    word = str(text).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    from .messages import NOT_BOOLEAN

    raise FieldValueError(str(NOT_BOOLEAN))


class FieldType(ABC):
    """A kind of field. One instance serves every field of that kind.

    Subclasses set the class attributes and implement `sql_type` and
    `schema_field`; the defaults suit a type kept in one column of the
    field's name. Plugins subclass this to add types (hook `field_types`).
    """

    name: ClassVar[str]
    widget: ClassVar[str]  # the form widget the views render
    cell: ClassVar[str]  # the list-cell formatter the views use
    operators: ClassVar[frozenset[str]] = operators.EQUALITY
    sortable: ClassVar[bool] = True
    searchable: ClassVar[bool] = False  # free-text search may look in it
    label: ClassVar[Any] = None  # the name the admin's type list shows (a lazy translation); else `name`
    # The record service gives the value on create (`assign`); nobody types it, so the field is `system_set`.
    assigned: ClassVar[bool] = False

    @abstractmethod
    def sql_type(self, field: Field) -> TypeEngine[Any]:
        """The column type that stores the field."""

    @abstractmethod
    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        """The marshmallow field that validates input; `kwargs` go to its constructor."""

    def assign(self, field: Field, entity: Any, values: dict[str, Any]) -> Any:
        """The value a new record of `entity` gets (types that are `assigned`), in the create's transaction."""
        raise NotImplementedError(f"field type {self.name!r} assigns no values")

    def added(self, field: Field, entity: str, table: str, session: Any) -> None:
        """What adding a custom field to `entity` (stored in `table`) also makes, in the same transaction (an
        auto number's series); a SchemaError refuses the field. Most types make nothing."""
        return None

    def columns(self, field: Field) -> list[Column[Any]]:
        """The columns a custom field of this type adds (all nullable: `required` is the service's rule)."""
        return [Column(field.name, self.sql_type(field), nullable=True)]

    def foreign_key(self, field: Field) -> str | None:
        """`table.column` a built-in model's column refers to, if any."""
        return None

    def read(self, field: Field, row: Mapping[str, Any]) -> Any:
        """The field's value out of a row of its table."""
        return row[field.name]

    def write(self, field: Field, value: Any) -> dict[str, Any]:
        """Column values that store `value`."""
        return {field.name: value}

    def expression(self, field: Field, table: Table) -> ColumnElement[Any]:
        """What filters and sorting compare."""
        return table.c[field.name]

    def validate(self, field: Field, value: Any) -> Any:
        """`value` checked and converted by the field's marshmallow field."""
        try:
            return field.value_field.deserialize(value)
        except ValidationError as err:
            raise FieldValueError(first_message(err.messages)) from None

    def from_text(self, field: Field, text: str) -> Any:
        """Text (a CSV cell, a query parameter) turned into what `validate` takes."""
        return text

    def typed_text(self, field: Field, text: str) -> str:
        """What a person typed, in their locale, as the locale-free text `from_text` reads.

        The API, URLs and cursors use the locale-free form; forms, in-place
        edits, the filter builder and import cells go through this first.
        Numbers override it ("12.500,50" in Spanish, see `numbers.typed`).
        """
        return text

    def from_typed(self, field: Field, text: str) -> Any:
        """What a person typed turned into what `validate` takes."""
        return self.from_text(field, self.typed_text(field, text))

    def input_text(self, field: Field, value: Any) -> str:
        """`value` as a form input shows it to the user, which `from_typed` reads back unchanged."""
        return self.format(field, value)

    def parse(self, field: Field, text: str) -> Any:
        """The value written as `text`, or None for an empty cell; FieldValueError if malformed."""
        text = text.strip()
        if not text:
            return None
        return self.validate(field, self.from_text(field, text))

    def format(self, field: Field, value: Any) -> str:
        """`value` as text that `parse` reads back unchanged."""
        return "" if value is None else str(value)

    def sort_key(self, field: Field, value: Any) -> Any:
        """The part of `value` that sorting compares (the amount, for money)."""
        return value

    def dump(self, field: Field, value: Any) -> Any:
        """`value` as JSON (what the API returns and the audit history keeps)."""
        if value is None:
            return None
        # What `serialize` ends in once it has the value: its lookup and default are of no use here.
        return field.value_field._serialize(value, "value", {"value": value})  # noqa: SLF001 - marshmallow's hook

    def filter_value(self, field: Field, op: str, raw: Any) -> Any:
        """The operand of `op` for this field, from text or from a Python value."""
        if op == "isnull":
            return parse_bool(raw)
        if op == "in":
            items = raw.split(",") if isinstance(raw, str) else raw
            if not isinstance(items, (list, tuple)):
                raise FieldValueError(f"{field.name}: 'in' takes a list of values")
            return [self.filter_value(field, "eq", item) for item in items]
        if op in ("contains", "startswith") and self.searchable:
            return str(raw)
        if isinstance(raw, str):
            return self.parse(field, raw)
        return self.validate(field, raw)

    def filter(self, field: Field, expr: ColumnElement[Any], op: str, value: Any) -> ColumnElement[bool]:
        """The SQL condition `field <op> value`, `op` being one of `self.operators`."""
        return operators.compare(op, expr, value)
