"""Entity forms built from the model's own field metadata: inputs to show and values to save.

The labels, widgets, options and rules come from the `trato.field()` info on
the model's columns, so a field is described once, in models.py.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Column
from werkzeug.datastructures import MultiDict

from trato import Option, Record, access
from trato.fields import localize


@dataclass(frozen=True)
class Input:
    """One form control: what the template needs to render it with its value and errors."""

    name: str
    label: str
    widget: str
    required: bool
    help: str
    value: str
    checked: bool = False
    options: Sequence[tuple[str, str]] = ()
    errors: Sequence[str] = field(default_factory=list)
    section: str | None = None
    readonly: bool = False  # shown, not sent: the user's role may not change it


def entity_columns(model: type[Record]) -> list[Column[Any]]:
    """The columns a person fills in: those declared with `trato.field()`, in declaration order."""
    return [c for c in model.__table__.columns if "type" in c.info and not c.info.get("system")]


def options_of(column: Column[Any]) -> list[tuple[str, str]]:
    return [(o.value, o.text) for o in column.info.get("options") or () if isinstance(o, Option)]


def as_text(column: Column[Any], value: Any) -> str:
    """A stored value as an input's text."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def inputs(model: type[Record], values: Mapping[str, Any], errors: Mapping[str, Sequence[str]],
           choices: Mapping[str, list[tuple[str, str]]], rules: Mapping[str, str]) -> list[Input]:
    """The form's inputs filled with `values` (stored values or the submitted text).

    `choices` gives the options of relation fields (related records' ids and titles); `rules`, the user's
    field rules (`trato.access.field_rules`): hidden fields are left out, read-only ones shown disabled.
    """
    result = []
    for column in entity_columns(model):
        if rules.get(column.name) == access.HIDDEN:
            continue
        ftype = column.info["type"]
        value = values.get(column.name)
        result.append(Input(
            name=column.name,
            label=localize(column.info["label"]),
            widget=ftype.widget,
            required=not column.nullable and ftype.widget != "checkbox",
            help=localize(column.info.get("help")),
            value=as_text(column, value),
            checked=value in (True, "on", "true"),
            options=choices.get(column.name) or options_of(column),
            errors=[str(m) for m in errors.get(column.name, [])],
            section=column.info.get("section"),
            readonly=rules.get(column.name) == access.READONLY,
        ))
    return result


def submitted(model: type[Record], form: MultiDict[str, str], rules: Mapping[str, str]) -> dict[str, Any]:
    """The record values a submitted form asks for, as the record service takes them.

    Text goes as typed (the service validates it); a checkbox is a boolean;
    a relation's id becomes an int; an empty input clears the field. Fields
    the user's `rules` make hidden or read-only are not on the form: left out.
    """
    values: dict[str, Any] = {}
    for column in entity_columns(model):
        if column.name in rules:
            continue
        widget = column.info["type"].widget
        if widget == "checkbox":
            values[column.name] = column.name in form
            continue
        text = form.get(column.name, "").strip()
        if widget == "relation" and text.isdigit():
            values[column.name] = int(text)
        else:
            values[column.name] = text or None
    return values


def form_errors(errors: Mapping[str, Any]) -> dict[str, list[str]]:
    """`ValidationFailed.errors` as a list of messages per field."""
    return {name: [str(m) for m in (messages if isinstance(messages, list) else [messages])]
            for name, messages in errors.items()}


def yes_no(value: bool | None) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))
