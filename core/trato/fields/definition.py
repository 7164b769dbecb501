"""A field of an entity: its name, type, labels and rules, built-in or custom alike."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Union

from flask import current_app, has_app_context
from flask_babel import force_locale, get_locale

if TYPE_CHECKING:
    from marshmallow import fields as ma

    from .base import FieldType

# A label is a translatable string from a plugin's catalogue (`_l("City")`)
# or, for what admins define, the text per language: {"en": "City", "es": "Ciudad"}.
Label = Union[str, Mapping[str, str], Any]


def language() -> str:
    """The current language: the request's, or the one a job chose with `force_locale`; English outside an app."""
    if not has_app_context():
        return "en"
    locale = get_locale()
    return locale.language if locale else "en"


def install_language() -> str:
    """The install's language (setting `default_locale`): the one label an admin must give; English outside an app."""
    if not has_app_context():
        return "en"
    return str(current_app.extensions["trato"].settings.default_locale)


def localize(label: Label | None) -> str:
    """The text of `label` in the current language (English, then any, as fallbacks)."""
    if label is None:
        return ""
    if isinstance(label, Mapping):
        return str(label.get(language()) or label.get("en") or next(iter(label.values()), ""))
    return str(label)


def every_language(label: Label | None) -> list[str]:
    """The texts of `label` in every language Trato ships (or an admin gave), for reading what people type.

    A plugin's label is translated through each catalogue; outside an app
    there is only the text it was written with.
    """
    if label is None:
        return []
    if isinstance(label, Mapping):
        return [str(text) for text in label.values() if text]
    if isinstance(label, str) or not has_app_context():
        return [str(label)]
    from ..i18n import LANGUAGES  # here, not above: loading trato.i18n loads this module first

    texts = []
    for code in LANGUAGES:
        with force_locale(code):
            texts.append(str(label))
    return texts


@dataclass(frozen=True)
class Option:
    """One choice of a select or multi-select field: the stored value and its label."""

    value: str
    label: Label

    @property
    def text(self) -> str:
        return localize(self.label)


@dataclass(frozen=True, eq=False)
class Field:
    """One field of an entity. `name` is also the column's name (the amount's, for money).

    `settings` holds what only some types use: `length` (text), `scale`
    (decimal, percent, money), `currency` (money's default), `target` (the
    entity a relation points at; `within`, the field of this record the
    target must share: a deal's stage `within="pipeline_id"` is a stage of
    the deal's pipeline). `system` marks the record columns every entity has,
    which the record service writes itself; `system_set` a plugin's field
    that only its own code sets ("in this stage since"): neither is offered
    in forms, in-place edits or imports, and the API refuses either in a body
    with a 422 naming it, as an unknown field. A field of a type the record
    service assigns (`FieldType.assigned`: an auto number) is always both
    `system_set` and `unique`.
    """

    name: str
    type: FieldType
    label: Label
    required: bool = False
    options: tuple[Option, ...] = ()
    help: Label | None = None
    filterable: bool = False
    position: int = 0
    section: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    default: Any = None
    unique: bool = False
    system: bool = False
    system_set: bool = False
    custom: bool = False

    def __post_init__(self) -> None:
        if getattr(self.type, "assigned", False):  # the record service gives the value (an auto number)
            object.__setattr__(self, "system_set", True)  # so nobody types it: forms, imports and the API leave it
            object.__setattr__(self, "unique", True)  # and it is one of a kind, as a number of a series is

    @property
    def text(self) -> str:
        """The label in the current language."""
        return localize(self.label)

    @property
    def sortable(self) -> bool:
        return self.type.sortable

    @property
    def operators(self) -> frozenset[str]:
        return self.type.operators

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.type.columns(self))

    @cached_property
    def value_field(self) -> ma.Field:
        """The field's marshmallow field on its own (None allowed), for single values."""
        return self.type.schema_field(self, allow_none=True)

    def option_values(self) -> list[str]:
        return [option.value for option in self.options]
