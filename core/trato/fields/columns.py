"""`field()`: a model column that carries its field metadata, for plugins' entities."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import MappedColumn, mapped_column

from .base import FieldType
from .definition import Field, Label, Option
from .registry import BUILTIN


def options_of(options: Iterable[Option | tuple[str, Label]]) -> tuple[Option, ...]:
    return tuple(o if isinstance(o, Option) else Option(*o) for o in options)


def field(type_: str | FieldType = "text", *, label: Label, required: bool = False,
          options: Iterable[Option | tuple[str, Label]] = (), help: Label | None = None,
          filterable: bool = False, section: str | None = None, position: int | None = None,
          unique: bool = False, default: Any = None, system_set: bool = False, **settings: Any) -> MappedColumn[Any]:
    """A column of a built-in entity, described once, here.

    `type_` is a built-in type's name or a plugin's `FieldType`; `settings`
    are the type's own (`length=`, `scale=`, `currency=`, `target=`).
    Relation and user columns get a foreign key and an index; `filterable`
    ones an index. A money field's `<name>_currency` column is added by the
    `Record` mixin. `system_set` marks a field only the plugin's own code
    sets (in a `before_save` hook, say): people and API clients cannot.

        city: Mapped[str | None] = field("text", label=_l("City"), filterable=True)
    """
    ftype = type_ if isinstance(type_, FieldType) else BUILTIN[type_]
    choices = options_of(options)
    probe = Field(name="", type=ftype, label=label, options=choices, settings=settings)
    args: list[Any] = [ftype.sql_type(probe)]
    target = ftype.foreign_key(probe)
    if target:
        args.append(ForeignKey(target))
    info = {"type": ftype, "label": label, "options": choices, "help": help, "filterable": filterable,
            "section": section, "position": position, "settings": settings, "system_set": system_set}
    return mapped_column(*args, nullable=not required, index=filterable or target is not None or None,
                         unique=unique or None, default=default, info=info)
